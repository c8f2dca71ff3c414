/**
 * The Backend API's shapes. Every one is the contract's (contract/openapi.json, generated from the
 * server's route schemas into ../generated/api-types.ts), named here, or a Pick/Omit of it where
 * TypeScript can say more than the schema (test/contract-types.check.ts fails the typecheck when
 * one drifts from the wire shape). Times are Unix seconds.
 */
import type { Query, RequestBody, ResponseBody, Wire } from './contract.js';

/** Every `code` the API answers in its error shape (LatchkeyApiError's `code`): docs/api.md, "Errors". */
export type ErrorCode = Wire['ErrorCode'];

/** The six answers of `verifySignedData`; only `success` may start the app's session. */
export type VerificationResult = Wire['VerificationResult'];

/** Every refusal: the token must not start a session. */
export type VerificationRefusal = Exclude<VerificationResult, 'success'>;

/**
 * The contract's VerifySignedDataResult, narrowed: `userID` and `username` are set on `success`
 * only, and empty strings on every refusal, so that TypeScript narrows them by `verificationResult`.
 */
export type VerifySignedDataResult =
  | (Wire['VerifySignedDataResult'] & { verificationResult: 'success' })
  | (Wire['VerifySignedDataResult'] & { verificationResult: VerificationRefusal; userID: ''; username: '' });

/** `username`: the login name the app expects; when given and not the token's, the answer is `usernameMismatch` (and the token is not spent). */
export type VerifySignedDataOptions = Pick<RequestBody<'verifySignedData'>, 'username'>;

export type ConnectTokenType = Wire['ConnectToken']['type'];

/** `data` of a `passkey-append` connect token: creates the user if the identifier is new; `displayName` is shown by the authenticator (default: the identifier). */
export type AppendTokenData = Wire['ConnectTokenData'];

/** `data` of a `passkey-list`, `passkey-delete` or `passkey-rename` connect token (the user must exist). */
export type ManageTokenData = Pick<Wire['ConnectTokenData'], 'identifier'>;

/** A new connect token; `secret` (`ctk1_…`) is shown only here: hand it to the page, once. */
export type CreatedConnectToken = Wire['CreatedConnectToken'];

/** `revoked`: revoked with `connectTokens.revoke` before use (the token stays listed). */
export type ConnectTokenStatus = Wire['ConnectToken']['status'];

/** A connect token as listed (never with its secret). */
export type ConnectToken = Wire['ConnectToken'];

export type User = Wire['User'];

/**
 * `id` (`cre-…`) is what `users.deletePasskey` and `users.renamePasskey` take. `provider` (name and
 * icons, from the AAGUID) is there when the AAGUID is known; `icon` always (the provider's icon, else
 * a generic one); `name` is the user's label or null.
 */
export type Passkey = Wire['Passkey'];

/** Who keeps a passkey: `iconLight` / `iconDark` are data: URIs when the server's data set has them. */
export type PasskeyProvider = Wire['PasskeyProvider'];

/**
 * The icon to show beside a passkey, always present: `light` / `dark` are data: URIs (pick `dark`
 * on a dark theme); `source` is `dataSet` or `mds` for the provider's own icon, `generic` for
 * Latchkey's plain key icon when no provider icon is known.
 */
export type PasskeyIcon = Wire['PasskeyIcon'];

/** `users.update`: give one or both. An empty `displayName` falls back to the identifier. */
export interface UserUpdate {
  identifier?: string;
  displayName?: string;
}

/** The audit trail's event types, as this SDK's server version records them. */
export type PasskeyEventType = Wire['PasskeyEventType'];

export interface PasskeyEvent extends Omit<Wire['PasskeyEvent'], 'type'> {
  /** One of PasskeyEventType; typed wider so that a newer server's event types still read. */
  type: PasskeyEventType | (string & {});
}

export interface Page {
  /** Pass it back to read on; `null` when there is nothing further. */
  nextCursor: ResponseBody<'listUsers', 200>['nextCursor'];
}

export interface UserPage extends Page {
  users: ResponseBody<'listUsers', 200>['users'];
}

export interface PasskeyEventPage extends Page {
  passkeyEvents: PasskeyEvent[];
}

/** `limit`: 1–500, default 100. */
export type ListUsersOptions = Pick<Query<'listUsers'>, 'cursor' | 'limit'>;

/**
 * `userID`: only this user's events; `cursor`: `nextCursor` of the previous page (the trail is read
 * oldest first, so keep the last cursor to poll for newer events); `limit`: 1–500, default 100.
 */
export type ListPasskeyEventsOptions = Query<'listPasskeyEvents'>;
