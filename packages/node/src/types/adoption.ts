import type { components, operations } from '../generated/api-types.js';

/** A project's adoption policy (GET /v2/policy), as the contract defines it. */
export type Policy = components['schemas']['AdoptionPolicy'];

/** OS families the policy's platform lists and the report use. */
export type OsFamily = Policy['platforms']['allow'][number];

/** Any part of the policy: objects are merged, values and lists replaced. */
export interface PolicyUpdate {
  login?: Partial<Policy['login']>;
  append?: Partial<Policy['append']>;
  platforms?: Partial<Policy['platforms']>;
  nudge?: Partial<Policy['nudge']>;
  conditionalCreate?: boolean;
  oneTap?: boolean;
}

export type AdoptionEventType =
  | 'offer-shown'
  | 'offer-declined'
  | 'append-started'
  | 'append-completed'
  | 'login-started'
  | 'login-completed'
  | 'cancelled'
  | 'fallback'
  | 'conditional-create'
  | 'error'
  | 'password-login';

/** An event for the funnel, reported by the app's backend (POST /v2/events). */
export interface AdoptionEvent {
  type: AdoptionEventType;
  processId?: string;
  /** The browser SDK's device id (localStorage 'latchkey:device-id'). */
  deviceId?: string;
  osFamily?: OsFamily | (string & {});
  browserFamily?: string;
  /** Fallback reason, error type or cancelled step (≤ 64 characters). */
  reason?: string;
  method?: 'identifier' | 'conditional-ui' | 'one-tap' | 'password';
  result?: 'created' | 'failed' | 'unsupported';
  /** Who logged in (≤ 256 characters); the server keeps only a hash of it. */
  identifier?: string;
  /** Client time in ms, informational: the server records its own time. */
  at?: number;
}

export interface PasswordLogin {
  identifier: string;
  deviceId?: string;
  osFamily?: OsFamily | (string & {});
  browserFamily?: string;
}

export interface FunnelOptions {
  /** First day, YYYY-MM-DD (UTC); default 29 days before `to`. */
  from?: string;
  /** Last day, YYYY-MM-DD (UTC); default today. */
  to?: string;
  groupBy?: 'day' | 'platform' | 'day,platform';
}

/**
 * `GET /v2/analytics/funnel`, derived from the contract (contract/openapi.json) so that it cannot drift
 * from the server's schema. `passkeyLoginRate` is passkey logins / all logins, 0–1.
 */
export type Funnel = operations['getAdoptionFunnel']['responses'][200]['content']['application/json'];
export type FunnelRow = Funnel['rows'][number];
