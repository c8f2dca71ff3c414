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
  | 'aborted';

/**
 * What a page should do after a failure: go on with its own login (password, …), and why. See
 * `fallbackReason()`; `<latchkey-login>` fires `latchkey-fallback` with it.
 * - `noPasskey`, `cancelled`, `unsupported`: this user, this time, on this browser.
 * - `timeout`: Latchkey did not answer within the budget (`initTimeoutMs` before the dialog).
 * - `unavailable`: Latchkey cannot be reached or answers 5xx / 429 / something that is not its answer.
 * - `misconfigured`: Latchkey refused this page (origin not allowed, unknown project, wrong base URL):
 *   the developer or operator must act, so log the failure's message, which says what to change.
 */
export type FallbackReason = 'noPasskey' | 'cancelled' | 'unsupported' | 'timeout' | 'unavailable' | 'misconfigured';

export interface Failure {
  ok: false;
  reason: FailureReason;
  /** The server's error code for `serverError` (e.g. `unknown_credential`, `connect_token_spent`). */
  code?: string;
  /** The HTTP status for `serverError` answers that came from the server. */
  status?: number;
  /** The server's `requestId` when it sent one: quote it when you ask the operator to look. */
  requestId?: string;
  /** For people and logs; never branch on it. */
  message: string;
  /** The underlying exception (a DOMException from WebAuthn, a fetch TypeError), for logs. */
  cause?: unknown;
}

/** A passkey as the Frontend API describes it. */
export interface Passkey {
  id: string;
  credentialId: string;
  aaguid: string;
  authenticatorName?: string;
  backupEligible: boolean;
  backupState: boolean;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
  userAgent?: string;
}

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
}

export type LoginResult = LoginSuccess | Failure;
export type AppendResult = { ok: true; passkey: Passkey } | Failure;
export type ListResult = { ok: true; passkeys: Passkey[] } | Failure;
export type DeleteResult = { ok: true } | Failure;

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
  /** Sent as `clientInfo` with `login/init` and `append/init` and kept with the process. */
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
}

export interface Latchkey {
  capabilities(): Promise<Capabilities>;
  login(options: LoginOptions): Promise<LoginResult>;
  autofill(options?: CallOptions): Promise<LoginResult>;
  appendPasskey(connectToken: string, options?: CallOptions): Promise<AppendResult>;
  listPasskeys(connectToken: string, options?: CallOptions): Promise<ListResult>;
  deletePasskey(connectToken: string, passkeyId: string, options?: CallOptions): Promise<DeleteResult>;
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
}
