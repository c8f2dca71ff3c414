import { LatchkeyError } from './latchkey-error.js';

/**
 * No answer from Latchkey: the connection was refused or reset, DNS failed, TLS failed — on the
 * last attempt, after retries. The underlying error is `cause`. The request may or may not have
 * reached the server (see "Retries and their safety" in docs/node-sdk.md).
 */
export class LatchkeyNetworkError extends LatchkeyError {
  override readonly name = 'LatchkeyNetworkError';
  readonly code = 'network_error';
  /** Requests sent for this call, retries included. */
  readonly attempts: number;

  constructor(message: string, attempts: number, cause: unknown) {
    super(message, { cause });
    this.attempts = attempts;
  }
}
