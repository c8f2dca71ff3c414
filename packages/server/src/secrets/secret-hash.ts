import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API secrets and connect token secrets are long random strings (≥ 178 bits), not passwords: a
 * fast keyed hash is enough to make a stolen table useless, and it keeps every Backend API call
 * cheap. A slow KDF would only add latency to each verification.
 */
export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

export function hashApiSecret(salt: string, secret: string): string {
  return createHmac('sha256', Buffer.from(salt, 'base64url')).update(secret, 'utf8').digest('base64url');
}

/** Connect token secrets are looked up by their hash, so it must be deterministic (no salt). */
export function hashLookupSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Constant-time comparison of two base64url digests. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'base64url');
  const right = Buffer.from(b, 'base64url');
  return left.length === right.length && timingSafeEqual(left, right);
}
