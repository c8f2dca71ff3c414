import { postFrontend } from '../http/post-frontend.js';
import { invalidResponse } from '../results/failure.js';
import { isPasskey } from '../results/shape.js';
import type { CallOptions, Config, Passkey, RenameResult } from '../types.js';

/**
 * Label one passkey (`id`, `cre-…`) of the user a `passkey-rename` connect token names. The server
 * trims the label and answers `invalid_label` (400, the token stays usable) unless it is then 1–64
 * characters without control characters.
 */
export async function renamePasskey(config: Config, connectToken: string, passkeyId: string, name: string, { signal }: CallOptions = {}): Promise<RenameResult> {
  const answer = await postFrontend(config, '/manage/rename', { connectToken, passkeyId, name }, signal);
  if (!answer.ok) return answer;
  if (!isPasskey(answer.body.passkey)) return invalidResponse('manage/rename without passkey', answer.status);
  return { ok: true, passkey: answer.body.passkey as Passkey };
}
