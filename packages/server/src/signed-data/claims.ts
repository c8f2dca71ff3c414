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
