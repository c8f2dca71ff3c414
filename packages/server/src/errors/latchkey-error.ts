import type { CliErrorCode, ErrorCode } from './error-codes.js';

/** One of the API's codes, or (only the CLI's commands raise these) an operator's code. */
type Code = ErrorCode | CliErrorCode;

/**
 * The one error type the service raises on purpose. `code` is stable snake_case that clients can
 * switch on, one of error-codes.ts (a code not listed there does not compile); `status` is the
 * HTTP status the API answers with. Anything else that reaches the HTTP layer is a bug and is
 * answered as a 500 without details.
 */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  constructor(
    readonly status: number,
    readonly code: Code,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: Code, message: string) => new LatchkeyError(400, code, message);
export const unauthorized = (code: Code, message: string) => new LatchkeyError(401, code, message);
export const forbidden = (code: Code, message: string) => new LatchkeyError(403, code, message);
export const notFound = (code: Code, message: string) => new LatchkeyError(404, code, message);
export const conflict = (code: Code, message: string) => new LatchkeyError(409, code, message);
export const gone = (code: Code, message: string) => new LatchkeyError(410, code, message);
/** A WebAuthn response that fails one of the checks; `code` names the check. */
export const webauthnFailed = (code: ErrorCode, message: string) => new LatchkeyError(422, code, message);
export const unavailable = (code: Code, message: string) => new LatchkeyError(503, code, message);
