import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Ctx } from '../context.js';
import { recordRefusal } from '../events/record-event.js';
import { findSigningKey, ROTATION_GRACE } from '../keys/signing-keys.js';
import { ID_PATTERNS } from '../util/ids.js';
import { MAX_TOKEN_TTL } from '../projects/project.js';
import type { SigningKeyRow } from '../store/schema.js';
import { hasClaimShape, NOT_BEFORE_SKEW, type SignedPasskeyClaims } from './claims.js';
import { isCanonicalCompactJws } from './compact-jws.js';
import { spendToken } from './spend-token.js';

export type VerificationResult = 'success' | 'invalidSignature' | 'expired' | 'alreadyUsed' | 'usernameMismatch' | 'projectMismatch';

export interface VerifySignedDataAnswer {
  verificationResult: VerificationResult;
  /** Set on `success` only; empty otherwise. */
  userID: string;
  username: string;
}

const REQUIRED_CLAIMS: Array<keyof SignedPasskeyClaims> = [
  'iss', 'sub', 'exp', 'nbf', 'iat', 'jti', 'processId', 'username', 'credential', 'challengeId', 'webauthnId', 'isCUI',
];
/** Far larger than any token we sign; bounds the work an attacker can make us do. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * The Backend API's verdict on signedPasskeyData. Checks run in this order, and only the last one
 * writes: signature and header (invalidSignature), issuing project (projectMismatch), time window
 * (expired), username (usernameMismatch), then single use (alreadyUsed). A refusal therefore never
 * spends the token. Single use is one INSERT on the jti's unique key: of any number of concurrent
 * calls, on any number of instances, exactly one inserts and gets `success`.
 */
export async function verifySignedPasskeyData(
  ctx: Ctx,
  projectId: string,
  token: string,
  username: string | undefined,
): Promise<VerifySignedDataAnswer> {
  const checked = await checkToken(ctx, projectId, token, username);
  if (checked.result !== 'success') return refuse(ctx, projectId, checked.result, checked.claims);

  const claims = checked.claims;
  if (!(await spendToken(ctx, projectId, claims))) return refuse(ctx, projectId, 'alreadyUsed', claims);
  return { verificationResult: 'success', userID: claims.sub, username: claims.username };
}

type Checked = { result: 'success'; claims: SignedPasskeyClaims } | { result: Exclude<VerificationResult, 'success'>; claims?: SignedPasskeyClaims };

async function checkToken(ctx: Ctx, projectId: string, token: string, username: string | undefined): Promise<Checked> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !isCanonicalCompactJws(token)) return { result: 'invalidSignature' };
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'RS256' || header.typ !== 'JWT' || typeof header.kid !== 'string') return { result: 'invalidSignature' };
    kid = header.kid;
  } catch {
    return { result: 'invalidSignature' };
  }
  const key = ID_PATTERNS.signingKey.test(kid) ? await findSigningKey(ctx, kid) : undefined;
  if (!key) return { result: 'invalidSignature' };

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await ctx.signingKeys.publicKey(key), {
      algorithms: ['RS256'],
      typ: 'JWT',
      issuer: projectId,
      requiredClaims: REQUIRED_CLAIMS,
      currentDate: new Date(ctx.clock.nowMs()),
      clockTolerance: 0,
    }));
  } catch (error) {
    return classifyRefusal(error, key, projectId);
  }
  // The signature held, so this key signed these claims; a key only ever signs for its own project.
  if (payload.iss !== key.project_id || !hasClaimTypes(payload) || !couldHaveSigned(key, payload)) return { result: 'invalidSignature' };
  const claims = payload;
  if (username !== undefined && username !== claims.username) return { result: 'usernameMismatch', claims };
  return { result: 'success', claims };
}

/**
 * Latchkey never signs a token living longer than MAX_TOKEN_TTL, and never signs with a key after
 * it was rotated out (but for the moment a login that read the old key needs to sign). A token that
 * breaks either rule was made by someone holding a leaked key: rotation must end that key's power.
 */
function couldHaveSigned(key: SigningKeyRow, claims: SignedPasskeyClaims): boolean {
  if (claims.exp - claims.iat > MAX_TOKEN_TTL || claims.iat - claims.nbf !== NOT_BEFORE_SKEW) return false;
  return key.rotated_at === null || claims.iat <= key.rotated_at + ROTATION_GRACE;
}

/**
 * jose's refusals, as verdicts. Its claim errors come only after the signature held and carry the
 * verified claims: a missing or mistyped claim (no `nbf`, a float `exp`) is a malformed token,
 * whatever its times say; only well-formed claims can be `expired` or another project's.
 */
function classifyRefusal(error: unknown, key: SigningKeyRow, projectId: string): Checked {
  if (!(error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed)) return { result: 'invalidSignature' };
  const verified = error.payload;
  if (error.reason !== 'check_failed' || !hasClaimTypes(verified)) return { result: 'invalidSignature' };
  // jose checks `iss` before the times: a genuine token of another project.
  if (error.claim === 'iss') return { result: key.project_id === projectId ? 'invalidSignature' : 'projectMismatch' };
  if (error.claim !== 'exp' && error.claim !== 'nbf') return { result: 'invalidSignature' };
  // An expired token's claims are genuine and name the user, so the refusal can be filed in that user's trail.
  if (verified.iss === projectId && couldHaveSigned(key, verified)) return { result: 'expired', claims: verified };
  return { result: 'expired' };
}

function hasClaimTypes(payload: JWTPayload): payload is JWTPayload & SignedPasskeyClaims {
  return hasClaimShape(payload as Record<string, unknown>, ID_PATTERNS.jti);
}

async function refuse(
  ctx: Ctx,
  projectId: string,
  result: Exclude<VerificationResult, 'success'>,
  claims: SignedPasskeyClaims | undefined,
): Promise<VerifySignedDataAnswer> {
  await recordRefusal(ctx, {
    projectId,
    type: 'token-refused',
    // Only a token whose signature held names a user we can trust.
    userId: claims?.sub ?? null,
    credentialId: claims?.credential ?? null,
    processId: claims?.processId ?? null,
    detail: { result, ...(claims ? { jti: claims.jti } : {}) },
  });
  return { verificationResult: result, userID: '', username: '' };
}
