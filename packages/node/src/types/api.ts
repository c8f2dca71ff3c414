/**
 * The Backend API's shapes, as docs/api.md and the contract define them. Times are Unix seconds.
 */

/** The six answers of `verifySignedData`; only `success` may start the app's session. */
export type VerificationResult = 'success' | 'invalidSignature' | 'expired' | 'alreadyUsed' | 'usernameMismatch' | 'projectMismatch';

/** Every refusal: the token must not start a session. */
export type VerificationRefusal = Exclude<VerificationResult, 'success'>;

/**
 * `userID` and `username` are set on `success` only, and empty strings on every refusal, so that
 * TypeScript narrows them by `verificationResult`.
 */
export type VerifySignedDataResult =
  | { verificationResult: 'success'; userID: string; username: string }
  | { verificationResult: VerificationRefusal; userID: ''; username: '' };

export interface VerifySignedDataOptions {
  /** The login name the app expects; when given and not the token's, the answer is `usernameMismatch` (and the token is not spent). */
  username?: string;
}

export type ConnectTokenType = 'passkey-append' | 'passkey-list' | 'passkey-delete';

/** `data` of a `passkey-append` connect token: creates the user if the identifier is new. */
export interface AppendTokenData {
  identifier: string;
  /** Shown by the authenticator; defaults to the identifier. */
  displayName?: string;
}

/** `data` of a `passkey-list` or `passkey-delete` connect token (the user must exist). */
export interface ManageTokenData {
  identifier: string;
}

/** A new connect token; `secret` (`ctk1_…`) is shown only here: hand it to the page, once. */
export interface CreatedConnectToken {
  id: string;
  secret: string;
  type: ConnectTokenType;
  status: 'initial';
  expires: number;
}

export type ConnectTokenStatus = 'initial' | 'consumed' | 'expired';

/** A connect token as listed (never with its secret). */
export interface ConnectToken {
  id: string;
  type: ConnectTokenType;
  status: ConnectTokenStatus;
  userID: string;
  createdAt: number;
  expires: number;
}

export interface User {
  userID: string;
  identifier: string;
  displayName: string;
  /** The WebAuthn user handle (a UUID). */
  webauthnId: string;
  createdAt: number;
}

export interface Passkey {
  /** `cre-…`: pass this to `users.deletePasskey`. */
  id: string;
  /** The WebAuthn credential id, base64url. */
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

export type PasskeyEventType =
  | 'passkey-appended'
  | 'append-failed'
  | 'login-succeeded'
  | 'login-failed'
  | 'passkey-deleted'
  | 'user-deleted'
  | 'token-verified'
  | 'token-refused'
  | 'policy-changed';

export interface PasskeyEvent {
  /** `evt-…` */
  id: string;
  /** One of PasskeyEventType; typed as string so a newer server's event types still read. */
  type: PasskeyEventType | (string & {});
  userID: string | null;
  credentialID: string | null;
  processId: string | null;
  detail: Record<string, unknown>;
  createdAt: number;
}

export interface Page {
  /** Pass it back to read on; `null` when there is nothing further. */
  nextCursor: string | null;
}

export interface UserPage extends Page {
  users: User[];
}

export interface PasskeyEventPage extends Page {
  passkeyEvents: PasskeyEvent[];
}

export interface ListUsersOptions {
  cursor?: string;
  /** 1–500, default 100. */
  limit?: number;
}

export interface ListPasskeyEventsOptions {
  /** Only this user's events. */
  userID?: string;
  /** `nextCursor` of the previous page; the trail is read oldest first, so keep the last cursor to poll for newer events. */
  cursor?: string;
  /** 1–500, default 100. */
  limit?: number;
}
