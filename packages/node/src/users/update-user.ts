import { LatchkeyConfigError } from '../errors/latchkey-config-error.js';
import type { Transport } from '../http/transport.js';
import type { User, UserUpdate } from '../types/api.js';
import { requireString, segment } from '../util/arguments.js';

/**
 * Changes a user's identifier and/or display name (the account was renamed in your app). Throws
 * LatchkeyApiError `identifier_taken` (409) when another user has the identifier. Password
 * managers learn the new names on the user's next visit (the browser SDK signals them).
 */
export async function updateUser(transport: Transport, userID: string, update: UserUpdate): Promise<User> {
  if (typeof update !== 'object' || update === null || (update.identifier === undefined && update.displayName === undefined)) {
    throw new LatchkeyConfigError('invalid_argument', 'users.update needs { identifier } and/or { displayName }');
  }
  if (update.identifier !== undefined) requireString('identifier', update.identifier);
  if (update.displayName !== undefined) requireString('displayName', update.displayName, { allowEmpty: true });
  const body = {
    ...(update.identifier === undefined ? {} : { identifier: update.identifier }),
    ...(update.displayName === undefined ? {} : { displayName: update.displayName }),
  };
  return transport.send<User>({ method: 'PATCH', path: `/v2/users/${segment('userID', userID)}`, body });
}
