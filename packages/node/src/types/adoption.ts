/**
 * The adoption shapes of the Backend API (policy, events, funnel), each the contract's
 * (../generated/api-types.ts, from the server's schemas) or a Pick/Omit of it;
 * test/contract-types.check.ts fails the typecheck when one drifts.
 */
import type { Query, ResponseBody, Wire } from './contract.js';

/** A project's adoption policy (GET /v2/policy). */
export type Policy = Wire['AdoptionPolicy'];

/** OS families the policy's platform lists and the report use. */
export type OsFamily = Policy['platforms']['allow'][number];

/** Any part of the policy (PATCH /v2/policy): objects are merged, values and lists replaced. */
export type PolicyUpdate = Wire['AdoptionPolicyUpdate'];

export type AdoptionEventType = Wire['ClientEventType'];

/**
 * An event for the funnel, reported by the app's backend (POST /v2/events). `deviceId` is the
 * browser SDK's device id (localStorage 'latchkey:device-id'); `reason` the fallback reason, error
 * type or cancelled step (≤ 64 characters); `identifier` who logged in (≤ 256 characters; the server
 * keeps only a hash of it); `at` the client's time in ms, informational.
 */
export interface AdoptionEvent extends Omit<Wire['BackendClientEvent'], 'osFamily'> {
  osFamily?: OsFamily | (string & {});
}

/** One of the app's own password logins (reported as a `password-login` event). */
export type PasswordLogin = Required<Pick<AdoptionEvent, 'identifier'>> & Pick<AdoptionEvent, 'deviceId' | 'osFamily' | 'browserFamily'>;

/** `from`: first day, YYYY-MM-DD (UTC), default 29 days before `to`; `to`: last day, default today. */
export type FunnelOptions = Query<'getAdoptionFunnel'>;

/** `GET /v2/analytics/funnel`. `passkeyLoginRate` is passkey logins / all logins, 0–1. */
export type Funnel = ResponseBody<'getAdoptionFunnel', 200>;
export type FunnelRow = Funnel['rows'][number];
