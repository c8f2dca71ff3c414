import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { policyRefusal } from '../../adoption/decisions/policy-refusal.js';
import type { DecisionTag } from '../../adoption/decisions/tags.js';
import type { Ctx } from '../../context.js';
import { recordRefusal } from '../../events/record-event.js';
import type { Project } from '../../projects/project.js';
import { insertChallenge, newChallenge } from '../shared/challenges.js';
import { CHALLENGE_TTL, WEBAUTHN_TIMEOUT_MS } from '../shared/lifetimes.js';
import { checkOpen } from '../shared/processes.js';
import { readProcessWithUser } from './process-with-user.js';
import { prepareQuery } from '../../store/prepare-query.js';
import { writeTogether } from '../../store/write-together.js';

export type StartLoginResult =
  | { status: 'ok'; assertionOptions: PublicKeyCredentialRequestOptionsJSON; challengeId: string; decisionTags: DecisionTag[] }
  | { status: 'noPasskey'; decisionTags: DecisionTag[] };

export type LoginMethod = 'identifier' | 'one-tap';

/**
 * Identifier-first login: request options listing the user's passkeys, or `noPasskey` so that the
 * page falls back to its own login. An unknown identifier and a user without passkeys answer the
 * same way. A user the login policy excludes (kill switch, rollout) gets `noPasskey` too, with the
 * reason in `decisionTags`, so that the page falls back exactly as it would for a user without one.
 */
export async function startLogin(
  ctx: Ctx,
  project: Project,
  input: { processId: string; identifier: string; method?: LoginMethod },
): Promise<StartLoginResult> {
  // The process and the user of this identifier with their passkeys, in one read.
  const read = await readProcessWithUser(ctx, { projectId: project.id, processId: input.processId, identifier: input.identifier });
  const process = checkOpen(ctx, read.process, { projectId: project.id, processId: input.processId, kind: 'login' });
  const found = read.user;
  if (found) {
    const policy = await ctx.policies.get(ctx, project.id);
    const refusal = policyRefusal(policy, { projectId: project.id, flow: 'login', userId: found.userId, osFamily: process.os_family });
    if (refusal.length > 0) {
      await recordRefusal(ctx, {
        projectId: project.id,
        type: 'login-failed',
        userId: found.userId,
        processId: process.id,
        detail: { reason: 'login_not_allowed', step: 'start', decisionTags: refusal },
      });
      return { status: 'noPasskey', decisionTags: refusal };
    }
  }
  if (!found || found.credentials.length === 0) {
    await recordRefusal(ctx, {
      projectId: project.id,
      type: 'login-failed',
      userId: found?.userId ?? null,
      processId: process.id,
      detail: { reason: 'no_passkey', step: 'start' },
    });
    return { status: 'noPasskey', decisionTags: [] };
  }
  const userId = found.userId;
  const credentials = found.credentials;
  const challenge = newChallenge(ctx, { projectId: project.id, processId: process.id, kind: 'login', userId, ttl: CHALLENGE_TTL });
  // The challenge and the process's user, in one commit (one statement on PostgreSQL; see
  // writeTogether). The process remembers whose login it is, so that a refusal before the passkey
  // is known (a foreign origin, say) still lands in that user's trail.
  await writeTogether(ctx, () => [
    insertChallenge.compiled(ctx, { ...challenge.row }),
    setLoginUser.compiled(ctx, { processId: process.id, userId, method: input.method ?? 'identifier' }),
  ]);
  const assertionOptions = await generateAuthenticationOptions({
    rpID: project.rpId,
    challenge: challenge.bytes,
    allowCredentials: credentials.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as string[] })),
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
  });
  return { status: 'ok', assertionOptions, challengeId: challenge.row.id, decisionTags: [] };
}

/** Whose login the process is, and how it was started (compiled once, see prepareQuery). */
const setLoginUser = prepareQuery((db, args: { processId: string; userId: string; method: LoginMethod }) =>
  db.updateTable('processes').set({ user_id: args.userId, login_method: args.method }).where('id', '=', args.processId),
);
