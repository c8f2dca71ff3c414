/**
 * The Backend API's shapes. The wire shapes are the contract's (contract/openapi.json, generated
 * from the server's route schemas into ../generated/api-types.ts); the types here name them, and
 * narrow a few where TypeScript can say more than the schema (test/contract-types.check.ts checks
 * at typecheck that every narrowed type still fits the wire shape). Times are Unix seconds.
 */
import type { components } from '../generated/api-types.js';

type Wire = components['schemas'];

/** The six answers of `verifySignedData`; only `success` may start the app's session. */
export type VerificationResult = Wire['VerificationResult'];

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

export type ConnectTokenType = Wire['ConnectToken']['type'];

/** `data` of a `passkey-append` connect token: creates the user if the identifier is new. */
export interface AppendTokenData {
  identifier: string;
  /** Shown by the authenticator; defaults to the identifier. */
  displayName?: string;
}

/** `data` of a `passkey-list`, `passkey-delete` or `passkey-rename` connect token (the user must exist). */
export interface ManageTokenData {
  identifier: string;
}

/** A new connect token; `secret` (`ctk1_…`) is shown only here: hand it to the page, once. */
export type CreatedConnectToken = Wire['CreatedConnectToken'];

/** `revoked`: revoked with `connectTokens.revoke` before use (the token stays listed). */
export type ConnectTokenStatus = Wire['ConnectToken']['status'];

/** A connect token as listed (never with its secret). */
export type ConnectToken = Wire['ConnectToken'];

export type User = Wire['User'];

/**
 * `id` (`cre-…`) is what `users.deletePasskey` and `users.renamePasskey` take. `provider` (name and
 * icons, from the AAGUID) is there when the AAGUID is known; `name` is the user's label or null.
 */
export type Passkey = Wire['Passkey'];

/** Who keeps a passkey: `iconLight` / `iconDark` are data: URIs when the server's data set has them. */
export type PasskeyProvider = Wire['PasskeyProvider'];

/** `users.update`: give one or both. An empty `displayName` falls back to the identifier. */
export interface UserUpdate {
  identifier?: string;
  displayName?: string;
}

export type PasskeyEventType =
  | 'passkey-appended'
  | 'append-failed'
  | 'login-succeeded'
  | 'login-failed'
  | 'passkey-deleted'
  | 'passkey-renamed'
  | 'user-updated'
  | 'user-deleted'
  | 'connect-token-revoked'
  | 'token-verified'
  | 'token-refused'
  | 'policy-changed';

export interface PasskeyEvent extends Omit<Wire['PasskeyEvent'], 'type'> {
  /** One of PasskeyEventType; typed as string so a newer server's event types still read. */
  type: PasskeyEventType | (string & {});
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
