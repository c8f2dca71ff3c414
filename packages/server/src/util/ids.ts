import { randomUUID } from 'node:crypto';
import { randomPoolBytes } from './random-pool.js';

/**
 * Identifier shapes are fixed by the API contract (docs/api.md). Every random part comes from the
 * CSPRNG and is drawn uniformly (rejection sampling, no modulo bias), so even the numeric ids are
 * unguessable.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters drawn uniformly from [0-9A-Za-z]. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomPoolBytes(length * 2)) {
      // 248 = 4 * 62: bytes at or above it would favour the first characters.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

const MIN_19 = 10n ** 18n; // smallest 19-digit number
const SPAN_19 = 9n * 10n ** 18n; // how many 19-digit numbers there are
const U64 = 2n ** 64n;
const LIMIT = U64 - (U64 % SPAN_19); // largest multiple of SPAN_19 below 2^64

/** A uniformly random 19-digit decimal string (no leading zero). */
export function randomDigits19(): string {
  for (;;) {
    const value = randomPoolBytes(8).readBigUInt64BE();
    if (value < LIMIT) return (MIN_19 + (value % SPAN_19)).toString();
  }
}

export const newProjectId = () => `pro-${randomDigits19()}`;
export const newUserId = () => `usr-${randomDigits19()}`;
export const newCredentialRecordId = () => `cre-${randomDigits19()}`;
export const newChallengeId = () => `was-${randomDigits19()}`;
export const newSigningKeyId = () => `pki-${randomDigits19()}`;
export const newConnectTokenId = () => `ctk-${randomDigits19()}`;
export const newConnectTokenSecret = () => `ctk1_${randomBase62(30)}`;
/** API secrets are not shaped by the contract; the prefix makes leaked ones easy to find in code scans. */
export const newApiSecretId = () => `sec-${randomDigits19()}`;
export const newApiSecret = () => `latchkey1_${randomBase62(40)}`;
export const newProcessId = () => randomBase62(20);
export const newJti = () => randomBase62(30);
export const newWebauthnId = () => randomUUID();

export const ID_PATTERNS = {
  project: /^pro-\d{19}$/,
  user: /^usr-\d{18,19}$/,
  credential: /^cre-\d{19,20}$/,
  challenge: /^was-\d{19}$/,
  signingKey: /^pki-\d{19}$/,
  connectToken: /^ctk-\d{19}$/,
  connectTokenSecret: /^ctk1_[0-9A-Za-z]{30}$/,
  apiSecretId: /^sec-\d{19}$/,
  process: /^[0-9A-Za-z]{20}$/,
  jti: /^[0-9A-Za-z]{30}$/,
} as const;
