import type { Transport } from '../http/transport.js';
import { segment } from '../util/arguments.js';

/**
 * Revokes a connect token (`ctk-…`) so that it can no longer be used: it stays listed with status
 * `revoked` and a page that uses it gets `connect_token_revoked`. Revoking it again is a no-op; a
 * token already used throws `connect_token_spent` (409).
 */
export async function revokeConnectToken(transport: Transport, id: string): Promise<void> {
  await transport.send({ method: 'DELETE', path: `/v2/connectTokens/${segment('id', id)}` });
}
