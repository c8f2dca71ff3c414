import type { Failure, FallbackReason } from '../types.js';

/**
 * Answers that mean Latchkey refused this page's set-up, not this user: origin not listed, project
 * unknown, no project id, a base URL that reaches no Frontend API route, an element left unconfigured.
 */
const CONFIGURATION_CODES: ReadonlySet<string> = new Set(['origin_not_allowed', 'project_not_found', 'project_id_missing', 'route_not_found', 'not_configured']);

/**
 * Whether the page should go on with its own login after `failure`, and why; `undefined` when it
 * should not (the call was aborted, or the answer concerns this ceremony: a passkey the server no
 * longer knows, a verification that failed, a spent token — the user can try again).
 *
 * Login must never depend on Latchkey being up: a network failure, a 5xx, a 429 and an answer that is
 * not Latchkey's (a proxy's error page) all mean `unavailable`.
 */
export function fallbackReason(failure: Failure): FallbackReason | undefined {
  if (failure.code !== undefined && CONFIGURATION_CODES.has(failure.code)) return 'misconfigured';
  switch (failure.reason) {
    case 'noPasskey':
    case 'cancelled':
    case 'unsupported':
    case 'timeout':
    case 'notAllowed':
      return failure.reason;
    case 'networkError':
      return 'unavailable';
    case 'serverError': {
      const status = failure.status;
      if (status === undefined || status >= 500 || status === 429) return 'unavailable';
      if (failure.code === 'invalid_response') return status === 404 ? 'misconfigured' : 'unavailable';
      return undefined;
    }
    default:
      return undefined;
  }
}
