import { LatchkeyError } from './latchkey-error.js';

export type LatchkeyConfigErrorCode = 'invalid_base_url' | 'invalid_project_id' | 'invalid_api_secret' | 'invalid_option' | 'invalid_argument';

/**
 * Thrown synchronously by `createClient` for options that could never work (a malformed base URL,
 * a project id that is not `pro-` + 19 digits, no API secret), and by a method for an argument
 * that could never be right: a mistake in the app's code or configuration, found before any request.
 */
export class LatchkeyConfigError extends LatchkeyError {
  override readonly name = 'LatchkeyConfigError';
  readonly code: LatchkeyConfigErrorCode;

  constructor(code: LatchkeyConfigErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
