/**
 * The server's shape rules for signedPasskeyData (packages/server/src/signed-data/compact-jws.ts
 * and claims.ts), restated here because this package must not depend on the server: a token
 * breaking them is `invalidSignature` there, so the local pre-check may refuse it too.
 */

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const JTI = /^[0-9A-Za-z]{30}$/;
/** 9999-12-31T23:59:59Z, the server's bound on NumericDates. */
const MAX_NUMERIC_DATE = 253_402_300_799;

/** Three base64url segments exactly as RFC 7515 writes them: no padding, whitespace, '+', '/' or stray bits. */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  return segments.length === 3 && segments.every((segment) => SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment);
}

const isNumericDate = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_NUMERIC_DATE;

/** Whether a verified payload is a JSON object with every claim of the contract, of its type, times in whole seconds. */
export function hasClaimShape(payload: Uint8Array): boolean {
  let claims: Record<string, unknown>;
  try {
    // Decoded as jose decodes it on the server (invalid UTF-8 replaced, not refused).
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return false;
  const strings = ['iss', 'sub', 'jti', 'processId', 'username', 'credential', 'challengeId', 'webauthnId'];
  return (
    strings.every((name) => typeof claims[name] === 'string') &&
    JTI.test(claims.jti as string) &&
    ['exp', 'nbf', 'iat'].every((name) => isNumericDate(claims[name])) &&
    typeof claims.isCUI === 'boolean'
  );
}
