/**
 * The Frontend API as the contract defines it (../generated/api-types.ts, generated from the
 * server's route schemas by `npm run contract`): each path under `/v2/connect` with its operation,
 * so that every body this SDK sends is typed by the server's schema and every answer by its
 * field names.
 */
import type { operations } from '../generated/api-types.js';

export interface FrontendOperations {
  '/login/init': operations['loginInit'];
  '/login/start': operations['loginStart'];
  '/login/finish': operations['loginFinish'];
  '/append/init': operations['appendInit'];
  '/append/start': operations['appendStart'];
  '/append/finish': operations['appendFinish'];
  '/append/dismiss': operations['appendDismiss'];
  '/manage/list': operations['manageList'];
  '/manage/delete': operations['manageDelete'];
  '/manage/rename': operations['manageRename'];
  '/events': operations['recordClientEvents'];
}

export type FrontendPath = keyof FrontendOperations;

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body the route takes. */
export type FrontendRequest<P extends FrontendPath> = JsonOf<FrontendOperations[P]['requestBody']>;

/** The JSON body of the route's success answer (200, 201 or 202). */
export type FrontendAnswer<P extends FrontendPath> = JsonOf<FrontendOperations[P]['responses'][Extract<keyof FrontendOperations[P]['responses'], 200 | 201 | 202>]>;

/**
 * An answer before the SDK has checked it: the contract's field names, each value `unknown`. What
 * answers may be a proxy, an older Latchkey or something that is not Latchkey at all, and a page's
 * login must never break on it, so each method checks the fields it uses (results/shape.ts).
 */
export type Unchecked<T> = { [K in keyof T]?: unknown };

/**
 * A type as plain JSON data: the same fields, as an object type rather than an interface. The
 * WebAuthn JSON of @simplewebauthn/browser is declared with interfaces, which TypeScript does not
 * let fill the contract's open objects (`{ [key: string]: unknown }`); through Plain, the fields
 * are still checked one by one against the contract.
 */
export type Plain<T> = T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
