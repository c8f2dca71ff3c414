import { LatchkeyConfigError } from '../errors/latchkey-config-error.js';
import type { Transport } from '../http/transport.js';
import type { AppendTokenData, ConnectTokenType, CreatedConnectToken, ManageTokenData } from '../types/api.js';
import { requireString } from '../util/arguments.js';

const TYPES: ReadonlySet<string> = new Set<ConnectTokenType>(['passkey-append', 'passkey-list', 'passkey-delete']);

/**
 * A single-use connect token (600 s) that lets the page act for one user, once: append a passkey
 * (creating the user if the identifier is new), list the user's passkeys, or delete one. Call it
 * only for a user your app has already authenticated, and hand the `secret` to that user's page.
 */
export async function createConnectToken(
  transport: Transport,
  type: ConnectTokenType,
  data: AppendTokenData | ManageTokenData,
): Promise<CreatedConnectToken> {
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new LatchkeyConfigError('invalid_argument', `type must be passkey-append, passkey-list or passkey-delete, got ${JSON.stringify(type)}`);
  }
  if (typeof data !== 'object' || data === null) throw new LatchkeyConfigError('invalid_argument', 'data must be an object with an identifier');
  requireString('data.identifier', data.identifier);
  const displayName = type === 'passkey-append' ? (data as AppendTokenData).displayName : undefined;
  if (displayName !== undefined) requireString('data.displayName', displayName, { allowEmpty: true });
  return transport.send<CreatedConnectToken>({
    method: 'POST',
    path: '/v2/connectTokens',
    body: { type, data: { identifier: data.identifier, ...(displayName !== undefined ? { displayName } : {}) } },
  });
}
