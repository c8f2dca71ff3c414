import type { ClientInfo } from './client-info/collect-client-info.js';
import type { ClientEvent } from './events/client-event.js';
import type { EventQueue } from './events/event-queue.js';
import type { LoginInit } from './methods/init-login.js';
import type { LastAccount } from './one-tap/last-account.js';
import type { components } from './generated/api-types.js';
import type { PrfInputs, PrfOutputs } from './webauthn/prf.js';

export type { ClientInfo, ClientEvent, LastAccount, PrfInputs, PrfOutputs };

/** Every `code` the server answers in its error shape (docs/api.md, "Errors"), from the contract. */
export type ErrorCode = components['schemas']['ErrorCode'];

/**
 * The public types of `@latchkey/browser`. Every call resolves to a result; nothing throws for a
 * failure a user or a network can cause. Switch on `ok`, then on `reason`.
 */

/** Why a call did not succeed. See docs/browser-sdk.md for exactly when each is given. */
export type FailureReason =
  | 'noPasskey'
  | 'cancelled'
  | 'unsupported'
  | 'passkeyExists'
  | 'timeout'
  | 'networkError'
  | 'serverError'
  | 'aborted'
  | 'notAllowed';

/**
 * What a page should do after a failure: go on with its own login (password, …), and why. See
 * `fallbackReason()`; `<latchkey-login>` fires `latchkey-fallback` with it.
 * - `noPasskey`, `cancelled`, `unsupported`: this user, this time, on this browser.
 * - `timeout`: Latchkey did not answer within the budget (`initTimeoutMs` before the dialog).
 * - `unavailable`: Latchkey cannot be reached or answers 5xx / 429 / something that is not its answer.
 * - `misconfigured`: Latchkey refused this page (origin not allowed, unknown project, wrong base URL):
 *   the developer or operator must act, so log the failure's message, which says what to change.
 * - `notAllowed`: the project's policy says no passkey login here (kill switch, rollout, platform);
 *   the failure's `decisionTags` say which.
 */
export type FallbackReason = 'noPasskey' | 'cancelled' | 'unsupported' | 'timeout' | 'unavailable' | 'misconfigured' | 'notAllowed';

export interface Failure {
  ok: false;
  reason: FailureReason;
  /**
   * The server's error code for `serverError` (e.g. `unknown_credential`, `connect_token_spent`),
   * or the SDK's own `invalid_response` / `invalid_options` (see docs/browser-sdk.md); wider than ErrorCode so that a newer
   * server's codes still read.
   */
  code?: ErrorCode | 'invalid_response' | 'invalid_options' | (string & {});
  /** The HTTP status for `serverError` answers that came from the server. */
  status?: number;
  /** The server's `requestId` when it sent one: quote it when you ask the operator to look. */
  requestId?: string;
  /** For people and logs; never branch on it. */
  message: string;
  /** The underlying exception (a DOMException from WebAuthn, a fetch TypeError), for logs. */
  cause?: unknown;
  /**
   * Why the server decided as it did (docs/adoption.md lists every tag). Always set for `notAllowed`
   * (e.g. `['login-kill-switch']`), and for a `noPasskey` that comes from a rollout.
   */
  decisionTags?: string[];
}

/** A passkey as the Frontend API describes it (the contract's shape: src/generated/api-types.ts). */
export type Passkey = components['schemas']['Passkey'];

/** The icon to show beside a passkey (always present): `source` `generic` when no provider icon is known. */
export type PasskeyIcon = components['schemas']['PasskeyIcon'];

export interface LoginSuccess {
  ok: true;
  /** Send this to your backend; it verifies it once with the Backend API. */
  signedPasskeyData: string;
  identifier: string;
  /** The WebAuthn credential id (base64url) of the passkey used. */
  credentialId: string;
  userId: string;
  /** True when the login came through passkey autofill. */
  isConditionalUI: boolean;
  /** The server's decision tags for this login (informational ones only, since it was allowed). */
  decisionTags: string[];
  /** The PRF outputs when the login asked for them (`prf`): `results.first` is the secret, 32 bytes. Never sent to Latchkey. */
  prf?: PrfOutputs;
}

export type LoginResult = LoginSuccess | Failure;
/** `prf`: when the append asked for PRF, whether the passkey supports it (and outputs, where the authenticator evaluates at creation). */
export type AppendResult = { ok: true; passkey: Passkey; prf?: PrfOutputs } | Failure;
export type ListResult = { ok: true; passkeys: Passkey[] } | Failure;
export type DeleteResult = { ok: true } | Failure;
export type RenameResult = { ok: true; passkey: Passkey } | Failure;

export interface Capabilities {
  /** The browser has WebAuthn (`PublicKeyCredential`). */
  webauthn: boolean;
  /** A user-verifying platform authenticator (Touch ID, Windows Hello, Android…) is available. */
  platformAuthenticator: boolean;
  /** Passkey autofill (Conditional UI) is available, so `autofill()` can run. */
  conditionalUI: boolean;
}

export interface LatchkeyOptions {
  /** Where the Latchkey server is, e.g. `https://auth.example` (no `/v2`). */
  baseUrl: string;
  /** The project id, `pro-…`. */
  projectId: string;
  /** How long one Frontend API request may take before it fails with `timeout`. Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * The budget of each request before the passkey dialog (`login/init`, `login/start`, in `login()`
   * and `autofill()`): a Latchkey that has not answered by then must not hold the page, so the call
   * ends with `timeout` and the page goes on with its own login. Default 3000 ms, never more than
   * `timeoutMs`.
   */
  initTimeoutMs?: number;
  /**
   * Sent as `clientInfo` with `login/init` and `append/init`, over what the SDK collects itself
   * (capabilities, OS and browser family, the device id): a key set here wins.
   */
  clientInfo?: Record<string, unknown>;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Aborting it ends the call with `{ ok: false, reason: 'aborted' }`. */
  signal?: AbortSignal;
}

export interface LoginOptions extends CallOptions {
  /** The login name the user typed (email or username, exactly as your app knows it). */
  identifier: string;
  /** How the user started it, for the report: `'one-tap'` for "Continue as …". Default `'identifier'`. */
  method?: 'identifier' | 'one-tap';
  /** Evaluate the PRF extension: the outputs come back as `result.prf`, and are stripped from what Latchkey receives. */
  prf?: PrfInputs;
}

export interface AutofillOptions extends CallOptions {
  /** As for `login()`: `prf.eval` (an autofill has no allow list, so no `evalByCredential`). */
  prf?: PrfInputs;
}

export interface AppendOptions extends CallOptions {
  /**
   * Conditional create (automatic passkey upgrade): the browser creates the passkey silently, with
   * the password manager the user just signed in with, if it can. Only where the browser supports
   * it and the project allows it (append/init's `conditionalCreate`); otherwise the call resolves
   * `{ ok: false, reason: 'unsupported' }` without showing anything.
   */
  conditional?: boolean;
  /**
   * Ask the authenticator to enable PRF for the new passkey (`true`), or also evaluate it now
   * (`{ eval: { first } }`, where the authenticator can). Needed before `login({ prf })` can work.
   */
  prf?: PrfInputs | true;
}

/** `loginDecision()`: may this page offer passkey login, and why (not). */
export interface LoginDecision {
  ok: true;
  loginAllowed: boolean;
  decisionTags: string[];
  /** The project lets this device remember the last account ("Continue as …"). */
  oneTap: boolean;
  /** The remembered account, when `oneTap` is on and a passkey login happened here before. */
  lastAccount: LastAccount | null;
}

/**
 * `offerAppend()`: should the page offer this user a passkey now? When `offer` is true, show the
 * offer and call `accept()` or `dismiss()` on it.
 */
export interface AppendOffer {
  ok: true;
  offer: boolean;
  /** Why (not): e.g. `declined-recently`, `passkey-on-device`, `cross-device-login`. */
  decisionTags: string[];
  /** The project allows an automatic upgrade here and the browser can do it: see `accept({ conditional: true })`. */
  conditionalCreate: boolean;
  /** Until when offers wait after a dismissal (Unix time in seconds, the server's clock), or null. */
  nextOfferAt: number | null;
  processId: string;
  /** Create the passkey (the user said yes, or `conditional: true` for the silent upgrade). */
  accept(options?: AppendOptions): Promise<AppendResult>;
  /** The user said "not now": the server backs off for this user on this device. */
  dismiss(): Promise<DismissResult>;
}

export type DismissResult = { ok: true; nextOfferAt: number | null } | Failure;
export type LoginDecisionResult = LoginDecision | Failure;
export type AppendOfferResult = AppendOffer | Failure;

export interface Latchkey {
  capabilities(): Promise<Capabilities>;
  /** What this device tells Latchkey at login/init and append/init (collected once per page). */
  clientInfo(): Promise<ClientInfo>;
  /** Ask the server whether to offer passkey login here (the answer is reused by the next login or autofill). */
  loginDecision(options?: CallOptions): Promise<LoginDecisionResult>;
  login(options: LoginOptions): Promise<LoginResult>;
  autofill(options?: AutofillOptions): Promise<LoginResult>;
  appendPasskey(connectToken: string, options?: AppendOptions): Promise<AppendResult>;
  /** Ask whether to offer this user a passkey now (after a password login). */
  offerAppend(connectToken: string, options?: CallOptions): Promise<AppendOfferResult>;
  /** The account one-tap remembers on this device for this project, or null. */
  lastAccount(): LastAccount | null;
  /** "Not you?" / logout: forget it. */
  forgetLastAccount(): void;
  /** Send client events for the funnel report: batched, never throws. */
  reportEvents(events: ClientEvent[]): void;
  /** Send queued events now (e.g. before leaving the page); resolves when they are sent or lost. */
  flushEvents(): Promise<void>;
  listPasskeys(connectToken: string, options?: CallOptions): Promise<ListResult>;
  deletePasskey(connectToken: string, passkeyId: string, options?: CallOptions): Promise<DeleteResult>;
  /** Label one passkey with a `passkey-rename` connect token (1–64 characters after trimming; `invalid_label` otherwise). */
  renamePasskey(connectToken: string, passkeyId: string, name: string, options?: CallOptions): Promise<RenameResult>;
}

/** The resolved configuration every method works with. */
export interface Config {
  baseUrl: string;
  projectId: string;
  timeoutMs: number;
  /** `min(initTimeoutMs, timeoutMs)`. */
  initTimeoutMs: number;
  clientInfo: Record<string, unknown> | undefined;
  fetch: typeof fetch;
  /** The instance's event queue. */
  events: EventQueue;
  /** A login/init answer fetched by loginDecision(), for the next login or autofill to use. */
  prepared: { init: LoginInit; at: number } | undefined;
}
