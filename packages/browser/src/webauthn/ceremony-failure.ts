import { failure } from '../results/failure.js';
import type { Failure } from '../types.js';

/**
 * Map what `navigator.credentials.create()` / `.get()` threw (SimpleWebAuthn keeps the DOMException's
 * `name` on its WebAuthnError) to a result reason.
 *
 * Browsers deliberately report "the user dismissed the dialog", "user verification failed", "the
 * ceremony timed out" and "no matching passkey on this device" all as NotAllowedError, so that a
 * page cannot probe which passkeys exist: they are all `cancelled`.
 */
export function ceremonyFailure(error: unknown, kind: 'create' | 'get'): Failure {
  const name = (error as { name?: unknown } | null)?.name;
  const detail = (error as { message?: unknown } | null)?.message;
  const message = typeof detail === 'string' && detail !== '' ? detail : String(error);
  switch (name) {
    case 'AbortError':
      return failure('aborted', 'the passkey ceremony was aborted', { cause: error });
    case 'NotAllowedError':
      return failure('cancelled', `the passkey dialog was dismissed, timed out or the user could not be verified (${message})`, { cause: error });
    case 'InvalidStateError':
      // create(): an authenticator that already holds one of excludeCredentials was used.
      if (kind === 'create') return failure('passkeyExists', 'this authenticator already holds a passkey for this account', { cause: error });
      return failure('cancelled', message, { cause: error });
    case 'UnknownError':
      return failure('cancelled', `the authenticator failed (${message})`, { cause: error });
    case 'NotSupportedError':
    case 'ConstraintError':
      return failure('unsupported', `no available authenticator can do what this ceremony asks (${message})`, { cause: error });
    case 'SecurityError':
      // The page's origin is not valid for the project's RP ID, or the page is not a secure context.
      return failure('unsupported', `passkeys cannot be used on this page for this project's RP ID (${message})`, { cause: error });
    default:
      // TypeError and friends: the options the server sent were refused by the browser.
      return failure('serverError', `the browser refused the ceremony options (${message})`, { code: 'invalid_options', cause: error });
  }
}
