import { postFrontend } from '../http/post-frontend.js';
import type { CallOptions, Config, DeleteResult } from '../types.js';

/** Delete one passkey (`id`, `cre-…`) of the user a `passkey-delete` connect token names. */
export async function deletePasskey(config: Config, connectToken: string, passkeyId: string, { signal }: CallOptions = {}): Promise<DeleteResult> {
  const answer = await postFrontend(config, '/manage/delete', { connectToken, passkeyId }, signal);
  return answer.ok ? { ok: true } : answer;
}
