import type { Config, Failure, FailureReason } from '../types.js';

/** Outcomes the page acts on, not errors (the components report them as fallbacks). */
const EXPECTED: ReadonlySet<FailureReason> = new Set(['noPasskey', 'notAllowed', 'unsupported', 'aborted']);

/**
 * What a failed login or append tells the funnel report by itself: a user who cancelled the dialog
 * (`cancelled`, reason = the step), or an error by type (`error`, reason = the server's code or the
 * failure reason). Expected outcomes the page acts on (`noPasskey`, `notAllowed`, `unsupported`,
 * `aborted`) are not errors; the components report their fallbacks.
 */
export function reportFailure(config: Config, failure: Failure, step: 'login' | 'autofill' | 'append'): void {
  if (failure.reason === 'cancelled') config.events.report([{ type: 'cancelled', reason: step }]);
  else if (!EXPECTED.has(failure.reason)) {
    config.events.report([{ type: 'error', reason: failure.code ?? failure.reason }]);
  }
}
