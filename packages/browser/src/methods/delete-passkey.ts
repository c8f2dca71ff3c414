import { postFrontend } from '../http/post-frontend.js';
import type { CallOptions, Config, DeleteResult } from '../types.js';
import { signalCredentials } from '../webauthn/signal-credentials.js';

/**
 * Delete one passkey (`id`, `cre-…`) of the user a `passkey-delete` connect token names, then tell
 * the browser's password manager which passkeys remain (signalAllAcceptedCredentials), so the
 * deleted one is no longer offered.
 */
export async function deletePasskey(config: Config, connectToken: string, passkeyId: string, { signal }: CallOptions = {}): Promise<DeleteResult> {
  const answer = await postFrontend(config, '/manage/delete', { connectToken, passkeyId }, signal);
  if (!answer.ok) return answer;
  signalCredentials(answer.body.signals);
  return { ok: true };
}
