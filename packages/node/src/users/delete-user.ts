import type { Transport } from '../http/transport.js';
import { segment } from '../util/arguments.js';

/** Deletes the user with their passkeys and connect tokens (the audit trail keeps them). */
export async function deleteUser(transport: Transport, userID: string): Promise<void> {
  await transport.send({ method: 'DELETE', path: `/v2/users/${segment('userID', userID)}` });
}
