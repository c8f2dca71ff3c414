import type { ErrorCode } from '../types/api.js';
import { LatchkeyError } from './latchkey-error.js';

/**
 * Latchkey answered, and the answer is an error (any non-2xx status after retries, or a body that
 * is not what the API promises). `code` is the server's stable error code (`invalid_credentials`,
 * `user_not_found`, `rate_limited`, …), or `unexpected_response` when the body carried none, such
 * as a proxy's HTML error page. Typed with the contract's ErrorCode, and wider, so that a newer
 * server's codes still read.
 */
export class LatchkeyApiError extends LatchkeyError {
  override readonly name = 'LatchkeyApiError';
  readonly code: ErrorCode | 'unexpected_response' | (string & {});
  /** HTTP status of the final answer. */
  readonly status: number;
  /** The server's request id (`req_…`): quote it to the operator, it finds the server's log line. */
  readonly requestId: string | undefined;
  /** Milliseconds the server asked to wait (its `Retry-After`, e.g. on 429), when it said. */
  readonly retryAfterMs: number | undefined;
  /** Requests sent for this call, retries included. */
  readonly attempts: number;

  constructor(details: { status: number; code: string; message: string; requestId?: string | undefined; retryAfterMs?: number | undefined; attempts: number }) {
    super(details.message);
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
  }
}
