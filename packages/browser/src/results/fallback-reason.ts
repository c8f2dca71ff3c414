import type { Failure, FallbackReason } from '../types.js';

/**
 * Refusals of this page's set-up that are not a 400/404 (see REQUEST_REFUSED, which covers
 * `project_not_found`, `project_id_missing` and `route_not_found`, a base URL that is no Latchkey):
 * the page's origin is not the project's, or an element was left unconfigured.
 */
const CONFIGURATION_CODES: ReadonlySet<string> = new Set(['origin_not_allowed', 'not_configured']);

/** Statuses that refuse the request itself rather than this user's ceremony (400, 404, 413, 414, 415). */
const REQUEST_REFUSED: ReadonlySet<number> = new Set([400, 404, 413, 414, 415]);

/**
 * Whether the page should go on with its own login after `failure`, and why; `undefined` when it
 * should not (the call was aborted, or the answer concerns this ceremony: a passkey the server no
 * longer knows (422), a verification that failed (422), an expired process (410), a spent or
 * refused connect token (401, 403, 409) — the user can try again).
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
      // A request Latchkey could not take at all (malformed, too large, for a process it does not
      // have, e.g. instances that do not share a store): nothing the user can change.
      if (status !== undefined && REQUEST_REFUSED.has(status)) return 'misconfigured';
      if (status === undefined || status >= 500 || status === 429 || failure.code === 'invalid_response') return 'unavailable';
      return undefined;
    }
    default:
      return undefined;
  }
}
