import { LatchkeyError } from './latchkey-error.js';

/**
 * The last attempt got no complete answer within `timeoutMs`. Like a network error, the request
 * may have been processed by the server.
 */
export class LatchkeyTimeoutError extends LatchkeyError {
  override readonly name = 'LatchkeyTimeoutError';
  readonly code = 'timeout';
  /** Requests sent for this call, retries included. */
  readonly attempts: number;
  /** The per-attempt limit that was reached. */
  readonly timeoutMs: number;

  constructor(message: string, attempts: number, timeoutMs: number) {
    super(message);
    this.attempts = attempts;
    this.timeoutMs = timeoutMs;
  }
}
