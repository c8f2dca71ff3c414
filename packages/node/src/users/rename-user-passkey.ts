import type { Transport } from '../http/transport.js';
import type { Passkey } from '../types/api.js';
import { requireString, segment } from '../util/arguments.js';

/**
 * Gives one of the user's passkeys a label (trimmed; 1–64 characters, no control characters, else
 * LatchkeyApiError `invalid_label`, 400). Resolves to the passkey as it is now.
 */
export async function renameUserPasskey(transport: Transport, userID: string, passkeyId: string, name: string): Promise<Passkey> {
  requireString('name', name, { allowEmpty: true });
  const answer = await transport.send<{ passkey: Passkey }>({
    method: 'PATCH',
    path: `/v2/users/${segment('userID', userID)}/passkeys/${segment('passkeyId', passkeyId)}`,
    body: { name },
  });
  return answer.passkey;
}
