import type { Config, Failure } from '../types.js';

/**
 * What a failed login or append tells the funnel report by itself: a user who cancelled the dialog
 * (`cancelled`, reason = the step), or an error by type (`error`, reason = the server's code or the
 * failure reason). Expected outcomes the page acts on (`noPasskey`, `notAllowed`, `aborted`) are
 * not errors; the components report their fallbacks.
 */
export function reportFailure(config: Config, failure: Failure, step: 'login' | 'autofill' | 'append'): void {
  if (failure.reason === 'cancelled') config.events.report([{ type: 'cancelled', reason: step }]);
  else if (failure.reason !== 'noPasskey' && failure.reason !== 'notAllowed' && failure.reason !== 'aborted') {
    config.events.report([{ type: 'error', reason: failure.code ?? failure.reason }]);
  }
}
