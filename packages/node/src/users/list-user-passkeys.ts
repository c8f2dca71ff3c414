import type { Transport } from '../http/transport.js';
import type { Passkey } from '../types/api.js';
import { segment } from '../util/arguments.js';

/** The user's passkeys. */
export async function listUserPasskeys(transport: Transport, userID: string): Promise<Passkey[]> {
  const answer = await transport.send<{ passkeys: Passkey[] }>({ method: 'GET', path: `/v2/users/${segment('userID', userID)}/passkeys` });
  return answer.passkeys;
}
