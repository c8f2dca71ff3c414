import { compactVerify, createRemoteJWKSet, customFetch, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import type { ResolvedOptions } from '../client/options.js';
import { SDK_VERSION } from '../version.js';
import { hasClaimShape, isCanonicalCompactJws } from './token-shape.js';

/**
 * The optional local pre-check of `verifySignedData`. It answers "refused" only where the server
 * would certainly answer `invalidSignature` for the same token and username; otherwise it says
 * nothing and the token goes to the server, which alone knows whether a token was used.
 *
 * It mirrors the server's order of checks (docs/api.md, "verifySignedData"): the request must be
 * one the server would accept at all; then the token's length, its header, the kid's shape, and
 * the signature under the project's published key. What it cannot know it leaves to the server:
 * - a well-formed kid that is not in this project's JWKS may be another project's key (the
 *   server then says `projectMismatch` for a genuine token) or one of ours that left the JWKS
 *   (its tokens are `expired`), or a key added since the last fetch;
 * - everything after the signature: issuer, time window, username, single use.
 */
export interface LocalJwksCheck {
  /** True when the server would answer `invalidSignature`; false when only the server can tell. */
  refuses(token: unknown, username: unknown): Promise<boolean>;
}

/** The server's limits, as its request schema and verifier state them (docs/api.md). */
const SERVER_TOKEN_SCHEMA_MAX = 16_384; // body schema: longer is a 400, not a verdict
const SERVER_USERNAME_SCHEMA_MAX = 256; // body schema: longer is a 400
const SERVER_TOKEN_VERDICT_MAX = 8_192; // longer (or empty) is invalidSignature
/** Below any body limit an operator can sensibly set (default 64 KiB): above it, the server may answer 413. */
const SAFE_BODY_BYTES = 16_384;
const SIGNING_KEY_ID = /^pki-\d{19}$/;

export function createLocalJwksCheck(options: ResolvedOptions): LocalJwksCheck | undefined {
  const settings = options.localJwksCheck;
  if (!settings) return undefined;
  const url = new URL(`${options.baseUrl}/v2/projects/${options.projectId}/.well-known/jwks.json`);
  const jwks = createRemoteJWKSet(url, {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: settings.cooldownMs,
    cacheMaxAge: settings.cacheMaxAgeMs,
    headers: { 'user-agent': `latchkey-node/${SDK_VERSION}` },
    [customFetch]: (input, init) => options.fetch(input, init),
  });

  return {
    async refuses(token, username) {
      if (!reachesVerdict(token, username)) return false;
      if (token.length === 0 || token.length > SERVER_TOKEN_VERDICT_MAX || !isCanonicalCompactJws(token)) return true;

      let header: ProtectedHeaderParameters;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        return true; // not a JWS at all
      }
      if (header.alg !== 'RS256' || header.typ !== 'JWT' || typeof header.kid !== 'string') return true;
      if (!SIGNING_KEY_ID.test(header.kid)) return true; // no Latchkey key has such a kid

      let key: Awaited<ReturnType<typeof jwks>>;
      try {
        key = await jwks(header);
      } catch {
        // Unknown kid (see above) or the JWKS could not be fetched: the server decides.
        return false;
      }
      let payload: Uint8Array;
      try {
        // The signature alone; the server runs the same check first with the same public key,
        // and any failure here (bad signature, malformed segments, unknown `crit`) is its
        // `invalidSignature` too.
        ({ payload } = await compactVerify(token, key, { algorithms: ['RS256'] }));
      } catch {
        return true;
      }
      // Signed by this project's key, yet claims of the wrong shape (no `nbf`, a float `exp`):
      // the server calls such a token malformed, whatever its times say.
      return !hasClaimShape(payload);
    },
  };
}

/**
 * Whether the server would get as far as a verdict: a body its schema accepts (strings within
 * their lengths, counted as code points the way its validator counts them), no NUL character
 * (refused before validation), and a body small enough for any body limit.
 */
function reachesVerdict(token: unknown, username: unknown): token is string {
  if (typeof token !== 'string' || [...token].length > SERVER_TOKEN_SCHEMA_MAX || token.includes('\u0000')) return false;
  if (username !== undefined) {
    if (typeof username !== 'string' || [...username].length > SERVER_USERNAME_SCHEMA_MAX || username.includes('\u0000')) return false;
  }
  const body = JSON.stringify({ signedPasskeyData: token, ...(username !== undefined ? { username } : {}) });
  return Buffer.byteLength(body, 'utf8') <= SAFE_BODY_BYTES;
}
