import { postFrontend } from '../http/post-frontend.js';
import { invalidResponse } from '../results/failure.js';
import { isPasskey } from '../results/shape.js';
import type { CallOptions, Config, ListResult, Passkey } from '../types.js';
import { signalCredentials } from '../webauthn/signal-credentials.js';

/**
 * The passkeys of the user a `passkey-list` connect token names (the call spends the token). Tells
 * the browser's password manager which passkeys Latchkey still accepts and the user's current names.
 */
export async function listPasskeys(config: Config, connectToken: string, { signal }: CallOptions = {}): Promise<ListResult> {
  const answer = await postFrontend(config, '/manage/list', { connectToken }, signal);
  if (!answer.ok) return answer;
  const { passkeys } = answer.body;
  if (!Array.isArray(passkeys) || !passkeys.every(isPasskey)) return invalidResponse('manage/list without passkeys', answer.status);
  signalCredentials(answer.body.signals);
  return { ok: true, passkeys: passkeys as Passkey[] };
}
