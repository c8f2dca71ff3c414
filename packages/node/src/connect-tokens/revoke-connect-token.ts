import type { Transport } from '../http/transport.js';
import { segment } from '../util/arguments.js';

/** Revokes a connect token (`ctk-…`) so that it can no longer be used. */
export async function revokeConnectToken(transport: Transport, id: string): Promise<void> {
  await transport.send({ method: 'DELETE', path: `/v2/connectTokens/${segment('id', id)}` });
}
