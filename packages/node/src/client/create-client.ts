import { getFunnel } from '../adoption/funnel.js';
import { getPolicy } from '../adoption/get-policy.js';
import { reportEvents, reportPasswordLogin } from '../adoption/report-events.js';
import { updatePolicy } from '../adoption/update-policy.js';
import { createConnectToken } from '../connect-tokens/create-connect-token.js';
import { listConnectTokens } from '../connect-tokens/list-connect-tokens.js';
import { revokeConnectToken } from '../connect-tokens/revoke-connect-token.js';
import { createTransport } from '../http/transport.js';
import { listPasskeyEvents } from '../passkey-events/list-passkey-events.js';
import type {
  AppendTokenData,
  ConnectToken,
  ConnectTokenType,
  CreatedConnectToken,
  ListPasskeyEventsOptions,
  ListUsersOptions,
  ManageTokenData,
  Passkey,
  PasskeyEventPage,
  User,
  UserPage,
  UserUpdate,
  VerifySignedDataOptions,
  VerifySignedDataResult,
} from '../types/api.js';
import type { AdoptionEvent, Funnel, FunnelOptions, PasswordLogin, Policy, PolicyUpdate } from '../types/adoption.js';
import { deleteUser } from '../users/delete-user.js';
import { deleteUserPasskey } from '../users/delete-user-passkey.js';
import { findUserByIdentifier } from '../users/find-user-by-identifier.js';
import { getUser } from '../users/get-user.js';
import { listUserPasskeys } from '../users/list-user-passkeys.js';
import { listUsers } from '../users/list-users.js';
import { renameUserPasskey } from '../users/rename-user-passkey.js';
import { updateUser } from '../users/update-user.js';
import { createLocalJwksCheck } from '../verify/local-jwks-check.js';
import { verifySignedData } from '../verify/verify-signed-data.js';
import { resolveOptions, type ClientOptions } from './options.js';

export interface LatchkeyClient {
  /** The project this client speaks for. */
  readonly projectId: string;
  verifySignedData(signedPasskeyData: string, options?: VerifySignedDataOptions): Promise<VerifySignedDataResult>;
  readonly connectTokens: {
    create(type: 'passkey-append', data: AppendTokenData): Promise<CreatedConnectToken>;
    create(type: 'passkey-list' | 'passkey-delete' | 'passkey-rename', data: ManageTokenData): Promise<CreatedConnectToken>;
    list(identifier: string): Promise<ConnectToken[]>;
    revoke(id: string): Promise<void>;
  };
  readonly users: {
    findByIdentifier(identifier: string): Promise<User | null>;
    get(userID: string): Promise<User>;
    list(options?: ListUsersOptions): Promise<UserPage>;
    delete(userID: string): Promise<void>;
    listPasskeys(userID: string): Promise<Passkey[]>;
    deletePasskey(userID: string, passkeyId: string): Promise<void>;
    /** Label one of the user's passkeys (1–64 characters after trimming; `invalid_label` otherwise). */
    renamePasskey(userID: string, passkeyId: string, name: string): Promise<Passkey>;
    /** Change the user's identifier and/or display name (`identifier_taken` when another user has it). */
    update(userID: string, update: UserUpdate): Promise<User>;
  };
  readonly passkeyEvents: {
    list(options?: ListPasskeyEventsOptions): Promise<PasskeyEventPage>;
  };
  /** The adoption policy: kill switches, rollout, platform lists, nudge back-off, opt-ins. */
  readonly policy: {
    get(): Promise<Policy>;
    update(update: PolicyUpdate): Promise<Policy>;
  };
  /** Events for the adoption funnel, above all the app's own password logins. */
  readonly events: {
    report(events: AdoptionEvent[]): Promise<{ accepted: number }>;
    passwordLogin(login: PasswordLogin): Promise<void>;
  };
  readonly analytics: {
    funnel(options?: FunnelOptions): Promise<Funnel>;
  };
}

/**
 * A client for one project's Backend API. Create it once at start-up and share it: it holds the
 * JWKS cache of the local check, and it is safe for concurrent use. Throws LatchkeyConfigError
 * for options that could never work.
 */
export function createClient(options: ClientOptions): LatchkeyClient {
  const resolved = resolveOptions(options);
  const transport = createTransport(resolved);
  const localCheck = createLocalJwksCheck(resolved);
  return {
    projectId: resolved.projectId,
    verifySignedData: (token, verifyOptions) => verifySignedData(transport, localCheck, token, verifyOptions),
    connectTokens: {
      create: (type: ConnectTokenType, data: AppendTokenData | ManageTokenData) => createConnectToken(transport, type, data),
      list: (identifier) => listConnectTokens(transport, identifier),
      revoke: (id) => revokeConnectToken(transport, id),
    },
    users: {
      findByIdentifier: (identifier) => findUserByIdentifier(transport, identifier),
      get: (userID) => getUser(transport, userID),
      list: (listOptions) => listUsers(transport, listOptions),
      delete: (userID) => deleteUser(transport, userID),
      listPasskeys: (userID) => listUserPasskeys(transport, userID),
      deletePasskey: (userID, passkeyId) => deleteUserPasskey(transport, userID, passkeyId),
      renamePasskey: (userID, passkeyId, name) => renameUserPasskey(transport, userID, passkeyId, name),
      update: (userID, update) => updateUser(transport, userID, update),
    },
    passkeyEvents: {
      list: (listOptions) => listPasskeyEvents(transport, listOptions),
    },
    policy: {
      get: () => getPolicy(transport),
      update: (update) => updatePolicy(transport, update),
    },
    events: {
      report: (events) => reportEvents(transport, events),
      passwordLogin: (login) => reportPasswordLogin(transport, login),
    },
    analytics: {
      funnel: (funnelOptions) => getFunnel(transport, funnelOptions),
    },
  };
}
