import { postFrontend } from '../http/post-frontend.js';
import type { AppendOfferResult, CallOptions, Config, DismissResult } from '../types.js';
import { completeAppend } from './complete-append.js';
import { initAppend } from './init-append.js';

/**
 * "Should I offer this user a passkey now?" — typically right after a password login. Runs
 * `append/init` only; the answer's process carries on into the append if the user accepts, or
 * records the dismissal (and its back-off) if not. Reports `offer-shown` when it says yes: call it
 * only when you will show the offer.
 */
export async function offerAppend(config: Config, connectToken: string, { signal }: CallOptions = {}): Promise<AppendOfferResult> {
  const init = await initAppend(config, connectToken, signal);
  if ('ok' in init) return init;
  const { processId } = init;
  let created = false;
  if (init.appendAllowed) config.events.report([{ type: 'offer-shown', processId }]);
  return {
    ok: true,
    offer: init.appendAllowed,
    decisionTags: init.decisionTags,
    conditionalCreate: init.conditionalCreate,
    nextOfferAt: init.nextOfferAt,
    processId,
    accept: async ({ conditional = false, signal: acceptSignal, prf } = {}) => {
      const result = await completeAppend(config, init, conditional, acceptSignal, prf);
      created ||= result.ok;
      return result;
    },
    dismiss: async (): Promise<DismissResult> => {
      if (created) return { ok: true, nextOfferAt: null };
      // The server records the decline itself (append/dismiss), so no client event for it.
      const answer = await postFrontend(config, '/append/dismiss', { processId });
      if (!answer.ok) return answer;
      return { ok: true, nextOfferAt: typeof answer.body.nextOfferAt === 'number' ? answer.body.nextOfferAt : null };
    },
  };
}
