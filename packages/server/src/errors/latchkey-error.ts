/**
 * The one error type the service raises on purpose. `code` is stable snake_case that clients can
 * switch on; `status` is the HTTP status the API answers with. Anything else that reaches the HTTP
 * layer is a bug and is answered as a 500 without details.
 */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new LatchkeyError(400, code, message);
export const unauthorized = (code: string, message: string) => new LatchkeyError(401, code, message);
export const forbidden = (code: string, message: string) => new LatchkeyError(403, code, message);
export const notFound = (code: string, message: string) => new LatchkeyError(404, code, message);
export const conflict = (code: string, message: string) => new LatchkeyError(409, code, message);
export const gone = (code: string, message: string) => new LatchkeyError(410, code, message);
/** A WebAuthn response that fails one of the checks; `code` names the check. */
export const webauthnFailed = (code: string, message: string) => new LatchkeyError(422, code, message);
export const unavailable = (code: string, message: string) => new LatchkeyError(503, code, message);
