import type { ErrorCode } from '../../errors/error-codes.js';
import { LatchkeyError, webauthnFailed } from '../../errors/latchkey-error.js';

/**
 * @simplewebauthn/server reports failed checks as plain Errors with descriptive messages. This maps
 * each to the stable code the API promises, naming the check. Order matters: the first match wins.
 * Anything unrecognised is still a 422 (the response was unusable), never a 500.
 */
const RULES: Array<[RegExp, ErrorCode]> = [
  [/RP ID/i, 'rp_id_mismatch'],
  [/user verification/i, 'user_verification_required'],
  [/user (presence|not present|was not present)/i, 'user_presence_required'],
  [/counter value/i, 'counter_regressed'],
  [/origin/i, 'origin_mismatch'],
  [/challenge/i, 'challenge_mismatch'],
  [/response type/i, 'type_mismatch'],
  [/public key alg|unsupported.*alg/i, 'unsupported_algorithm'],
  [/attestation|attStmt|x5c|certificate/i, 'attestation_invalid'],
];

export function classifyWebAuthnError(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, code] of RULES) {
    if (pattern.test(message)) return webauthnFailed(code, message);
  }
  return webauthnFailed('invalid_webauthn_response', `the WebAuthn response could not be verified: ${message}`);
}
