import type { Transport } from '../http/transport.js';
import type { ConnectToken } from '../types/api.js';
import { requireString } from '../util/arguments.js';

/** The connect tokens made for a user (by identifier), with their status; secrets are never shown again. */
export async function listConnectTokens(transport: Transport, identifier: string): Promise<ConnectToken[]> {
  requireString('identifier', identifier);
  const answer = await transport.send<{ connectTokens: ConnectToken[] }>({ method: 'GET', path: '/v2/connectTokens', query: { identifier } });
  return answer.connectTokens;
}
