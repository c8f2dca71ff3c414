import type { Transport } from '../http/transport.js';
import { segment } from '../util/arguments.js';

/** Deletes one of the user's passkeys (`cre-…`, the passkey's `id`); it can no longer log in. */
export async function deleteUserPasskey(transport: Transport, userID: string, passkeyId: string): Promise<void> {
  await transport.send({ method: 'DELETE', path: `/v2/users/${segment('userID', userID)}/passkeys/${segment('passkeyId', passkeyId)}` });
}
