/**
 * Every failure the demo explains to a person has a stable `code` (to switch on and to test) and a
 * message written for the person in front of the page.
 */
export class DemoError extends Error {
  override readonly name = 'DemoError';
  constructor(
    readonly code: DemoErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type DemoErrorCode =
  | 'invalid_email'
  | 'weak_password'
  | 'account_exists'
  | 'wrong_password'
  | 'not_logged_in'
  | 'cross_origin_request'
  | 'invalid_request'
  | 'passkey_login_refused'
  | 'no_account_for_passkey'
  | 'no_passkeys'
  | 'latchkey_unavailable';
