/** The claim set of signedPasskeyData, in the contract's order (JSON keeps insertion order). */
export interface SignedPasskeyClaims {
  iss: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  processId: string;
  username: string;
  credential: string;
  challengeId: string;
  webauthnId: string;
  isCUI: boolean;
}

/** `nbf` sits this far before `iat`: the allowance for clocks that run slightly behind ours. */
export const NOT_BEFORE_SKEW = 10;

/** 9999-12-31T23:59:59Z: no NumericDate Latchkey signs comes near it, and every store holds it exactly. */
export const MAX_NUMERIC_DATE = 253_402_300_799;

const isNumericDate = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_NUMERIC_DATE;

/**
 * Whether verified claims have the contract's shape: every claim present with its type, and the
 * times whole seconds in range (a float or a huge `exp` is malformed, never a row the store
 * cannot hold).
 */
export function hasClaimShape(payload: Record<string, unknown>, jtiPattern: RegExp): payload is Record<string, unknown> & SignedPasskeyClaims {
  return (
    typeof payload.iss === 'string' &&
    typeof payload.sub === 'string' &&
    typeof payload.jti === 'string' &&
    jtiPattern.test(payload.jti) &&
    isNumericDate(payload.exp) &&
    isNumericDate(payload.nbf) &&
    isNumericDate(payload.iat) &&
    typeof payload.processId === 'string' &&
    typeof payload.username === 'string' &&
    typeof payload.credential === 'string' &&
    typeof payload.challengeId === 'string' &&
    typeof payload.webauthnId === 'string' &&
    typeof payload.isCUI === 'boolean'
  );
}
