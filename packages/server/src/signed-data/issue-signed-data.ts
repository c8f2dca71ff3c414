import { SignJWT } from 'jose';
import type { Ctx } from '../context.js';
import { activeSigningKid, signingPrivateKey } from '../keys/signing-keys.js';
import type { Project } from '../projects/project.js';
import { nowSeconds } from '../util/clock.js';
import { newJti } from '../util/ids.js';
import { NOT_BEFORE_SKEW, type SignedPasskeyClaims } from './claims.js';

export interface LoginFacts {
  userId: string;
  username: string;
  credentialRecordId: string;
  processId: string;
  challengeId: string;
  webauthnId: string;
  isCUI: boolean;
}

/**
 * Signs signedPasskeyData with the project's active key: RS256, header exactly {alg, kid, typ}.
 * `activeKid`: the active kid, when the login already read it in this request (login/finish reads
 * it with its process); otherwise it is read here. Either way every login reads it afresh, so the
 * login after a rotation signs with the new key.
 */
export async function issueSignedPasskeyData(
  ctx: Ctx,
  project: Project,
  facts: LoginFacts,
  activeKid?: string,
): Promise<{ token: string; claims: SignedPasskeyClaims }> {
  const kid = activeKid ?? (await activeSigningKid(ctx, project.id));
  const iat = nowSeconds(ctx.clock);
  // Built whole and in order, never through jose's claim setters, so the payload's key order is the contract's.
  const claims: SignedPasskeyClaims = {
    iss: project.id,
    sub: facts.userId,
    exp: iat + project.tokenTtl,
    nbf: iat - NOT_BEFORE_SKEW,
    iat,
    jti: newJti(),
    processId: facts.processId,
    username: facts.username,
    credential: facts.credentialRecordId,
    challengeId: facts.challengeId,
    webauthnId: facts.webauthnId,
    isCUI: facts.isCUI,
  };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .sign(await signingPrivateKey(ctx, kid));
  return { token, claims };
}
