/** How long each ceremony piece lives, in seconds. */
export const PROCESS_TTL = 15 * 60;
/** A started ceremony's challenge; the browser dialog times out at the same moment. */
export const CHALLENGE_TTL = 5 * 60;
export const WEBAUTHN_TIMEOUT_MS = CHALLENGE_TTL * 1000;
/** COSE algorithms we accept, in order of preference: EdDSA, ES256, RS256. */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];
