import { CompactEncrypt, compactDecrypt } from 'jose';
import { LatchkeyError } from '../errors/latchkey-error.js';

/**
 * Private signing keys at rest: a JWE (alg "dir", enc "A256GCM") under the key-encryption key, or
 * plain PKCS#8 PEM where plain keys were allowed explicitly (LATCHKEY_ALLOW_PLAINTEXT_KEYS) or were
 * made by an older version. The two are told apart by shape; `serve` seals plain ones in place.
 */
export const isPlainPem = (stored: string): boolean => stored.startsWith('-----BEGIN');

export async function sealPrivateKey(pem: string, kek: Uint8Array | undefined): Promise<string> {
  if (!kek) return pem;
  return new CompactEncrypt(new TextEncoder().encode(pem)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(kek);
}

/**
 * A key that does not open is this instance's misconfiguration, not a bug: 503, so that clients
 * and balancers go to an instance that works (`/readyz` and `latchkey serve` report it too).
 */
export async function openPrivateKey(stored: string, kek: Uint8Array | undefined, kid: string): Promise<string> {
  if (isPlainPem(stored)) return stored;
  if (!kek) {
    throw new LatchkeyError(503, 'key_encryption_key_missing', `signing key ${kid} is encrypted but no key file is configured and LATCHKEY_KEY_ENCRYPTION_KEY is not set`);
  }
  try {
    const { plaintext } = await compactDecrypt(stored, kek);
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new LatchkeyError(503, 'key_encryption_key_wrong', `signing key ${kid} cannot be decrypted with the configured LATCHKEY_KEY_ENCRYPTION_KEY (or key file)`);
  }
}
