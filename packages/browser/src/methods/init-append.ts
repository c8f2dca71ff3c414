import type { FrontendAnswer } from '../http/frontend-operations.js';
import { postFrontend } from '../http/post-frontend.js';
import { invalidResponse } from '../results/failure.js';
import { tagsOf } from '../results/shape.js';
import type { Config, Failure } from '../types.js';
import { initBody } from './init-body.js';

/** What `append/init` answered (the contract's answer, less `expiresAt`), checked: the "should I offer a passkey?" question. */
export type AppendInit = Pick<FrontendAnswer<'/append/init'>, 'processId' | 'appendAllowed' | 'decisionTags' | 'conditionalCreate' | 'nextOfferAt'>;

/**
 * Tags that refuse an append outright (append/start answers 403 `append_not_allowed`), as opposed
 * to the ones that only say "do not nudge" (declined recently, passkey on this device, …), after
 * which a user may still add a passkey on explicit request.
 */
const REFUSALS: ReadonlySet<string> = new Set(['append-kill-switch', 'rollout-excluded', 'platform-denied', 'webauthn-unavailable']);

export function refusedBy(tags: string[]): boolean {
  return tags.some((tag) => REFUSALS.has(tag));
}

export async function initAppend(config: Config, connectToken: string, signal: AbortSignal | undefined): Promise<AppendInit | Failure> {
  const answer = await postFrontend(config, '/append/init', await initBody(config, { connectToken }), signal);
  if (!answer.ok) return answer;
  const { processId, appendAllowed, decisionTags, conditionalCreate, nextOfferAt } = answer.body;
  if (typeof processId !== 'string') return invalidResponse('append/init without processId', answer.status);
  return {
    processId,
    appendAllowed: appendAllowed !== false,
    decisionTags: tagsOf(decisionTags),
    conditionalCreate: conditionalCreate === true,
    nextOfferAt: typeof nextOfferAt === 'number' ? nextOfferAt : null,
  };
}
