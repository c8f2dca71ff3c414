/**
 * Type-level test, compiled by `npm run typecheck` and `npm test` (tsconfig.test.json): the wire
 * types this SDK exports and the bodies it sends are the contract's (src/generated/api-types.ts,
 * generated from the server's route schemas by `npm run contract`). When the server changes a
 * shape, the regenerated file makes this file (or the SDK's own sources) stop compiling until the
 * SDK follows.
 */
import type { components, operations } from '../src/generated/api-types.js';
import type { FrontendAnswer, FrontendRequest } from '../src/http/frontend-operations.js';
import type * as Sdk from '../src/index.js';
import type { AppendInit } from '../src/methods/init-append.js';
import type { LoginInit } from '../src/methods/init-login.js';

type Wire = components['schemas'];
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Fits<A, B> = [A] extends [B] ? true : false;
type Assert<T extends true> = T;
type Body<Op extends keyof operations> = operations[Op]['requestBody'] extends { content: { 'application/json': infer B } } ? B : never;

export type Checks = [
  Assert<Equal<Sdk.Passkey, Wire['Passkey']>>,
  Assert<Equal<Sdk.ErrorCode, Wire['ErrorCode']>>,
  Assert<Fits<Wire['ErrorCode'], NonNullable<Sdk.Failure['code']>>>,
  Assert<Equal<Sdk.ClientEvent, Wire['ClientEvent']>>,
  Assert<Equal<Sdk.ClientEvent, Body<'recordClientEvents'>['events'][number]>>,
  Assert<Equal<FrontendRequest<'/events'>, Body<'recordClientEvents'>>>,
  Assert<Equal<FrontendRequest<'/login/start'>, Body<'loginStart'>>>,
  // The answers the SDK reads, and what it hands on from them.
  Assert<Equal<LoginInit, Pick<FrontendAnswer<'/login/init'>, keyof LoginInit>>>,
  Assert<Equal<AppendInit, Pick<FrontendAnswer<'/append/init'>, keyof AppendInit>>>,
  Assert<Equal<Sdk.LoginOptions['method'], Body<'loginStart'>['method']>>,
  Assert<Fits<Pick<Sdk.LoginSuccess, 'identifier' | 'credentialId' | 'userId'>, FrontendAnswer<'/login/finish'>['passkeyOperation']>>,
  Assert<Fits<FrontendAnswer<'/login/finish'>['passkeyOperation'], Pick<Sdk.LoginSuccess, 'identifier' | 'credentialId' | 'userId'>>>,
  Assert<Equal<Sdk.LoginSuccess['signedPasskeyData'], FrontendAnswer<'/login/finish'>['signedPasskeyData']>>,
  Assert<Equal<Extract<Sdk.AppendResult, { ok: true }>['passkey'], FrontendAnswer<'/append/finish'>['passkey']>>,
  Assert<Equal<Extract<Sdk.ListResult, { ok: true }>['passkeys'], FrontendAnswer<'/manage/list'>['passkeys']>>,
  Assert<Fits<FrontendAnswer<'/append/dismiss'>['nextOfferAt'], Extract<Sdk.DismissResult, { ok: true }>['nextOfferAt']>>,
  Assert<Equal<Sdk.AppendOffer['nextOfferAt'], FrontendAnswer<'/append/init'>['nextOfferAt']>>,
  Assert<Equal<Sdk.LoginDecision['decisionTags'], FrontendAnswer<'/login/init'>['decisionTags']>>,
];
