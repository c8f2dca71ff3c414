import type { FrontendAnswer } from '../http/frontend-operations.js';
import { postFrontend } from '../http/post-frontend.js';
import { forgetLastAccount } from '../one-tap/last-account.js';
import { invalidResponse } from '../results/failure.js';
import { isRecord, tagsOf } from '../results/shape.js';
import type { Config, Failure } from '../types.js';
import { initBody } from './init-body.js';

/** What `login/init` answered (the contract's answer, less `expiresAt`), checked. */
export type LoginInit = Pick<FrontendAnswer<'/login/init'>, 'processId' | 'loginAllowed' | 'decisionTags' | 'oneTap' | 'conditionalUIChallenge'>;

/** A prepared answer is used only while its process is surely still open (the server keeps it 15 min). */
const PREPARED_FOR_MS = 60_000;

/**
 * `login/init`, or the answer `loginDecision()` fetched a moment ago (each is used once: a process
 * serves one login). When the project no longer allows one-tap, the remembered account is forgotten.
 */
export async function initLogin(config: Config, signal: AbortSignal | undefined, { reuse = true } = {}): Promise<LoginInit | Failure> {
  const prepared = config.prepared;
  config.prepared = undefined;
  if (reuse && prepared && Date.now() - prepared.at < PREPARED_FOR_MS) return prepared.init;

  const answer = await postFrontend(config, '/login/init', await initBody(config), signal, config.initTimeoutMs);
  if (!answer.ok) return answer;
  const { processId, loginAllowed, decisionTags, oneTap, conditionalUIChallenge } = answer.body;
  if (typeof processId !== 'string' || !isRecord(conditionalUIChallenge)) return invalidResponse('login/init without processId', answer.status);
  const init: LoginInit = { processId, loginAllowed: loginAllowed !== false, decisionTags: tagsOf(decisionTags), oneTap: oneTap === true, conditionalUIChallenge };
  if (!init.oneTap) forgetLastAccount(config.projectId);
  return init;
}
