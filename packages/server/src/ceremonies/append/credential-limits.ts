import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL } from '@simplewebauthn/server/helpers';
import { badRequest, webauthnFailed } from '../../errors/latchkey-error.js';

/** WebAuthn §5.1 (credential id): "at most 1023 bytes long". Authenticators never make longer ones. */
export const MAX_CREDENTIAL_ID_BYTES = 1023;

/**
 * A credential id longer than WebAuthn allows is refused before anything is spent or stored: no
 * authenticator makes one, and PostgreSQL's index could not hold the longest the schema lets through.
 */
export function refuseOverlongCredentialId(credentialId: string): void {
  const bytes = Buffer.from(credentialId, 'base64url').length;
  if (bytes > MAX_CREDENTIAL_ID_BYTES) {
    throw badRequest('credential_id_too_long', `the credential id is ${bytes} bytes; WebAuthn allows at most ${MAX_CREDENTIAL_ID_BYTES}`);
  }
}

/**
 * Packed self attestation (no x5c) is signed with the credential key itself, and WebAuthn §8.2
 * requires its `alg` to be that key's algorithm. @simplewebauthn/server 14 takes `alg` only as
 * the hash to verify with, so an ES256 key's signature passes under `alg: -257` (RS256): an
 * authenticator that misstates its algorithm is refused here.
 */
export function refuseSelfAttestationAlgMismatch(response: RegistrationResponseJSON, credentialAlgorithm: number): void {
  const attestation = decodeAttestationObject(isoBase64URL.toBuffer(response.response.attestationObject));
  if (attestation.get('fmt') !== 'packed') return;
  const statement = attestation.get('attStmt');
  // Full attestation signs with the certificate's key, not the credential's.
  if (statement.get('x5c') !== undefined) return;
  const declared = statement.get('alg');
  if (declared !== credentialAlgorithm) {
    throw webauthnFailed(
      'attestation_alg_mismatch',
      `the packed self attestation declares alg ${String(declared)}, but the credential key is alg ${credentialAlgorithm}`,
    );
  }
}
