import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { policyRefusal } from '../../adoption/decisions/policy-refusal.js';
import type { DecisionTag } from '../../adoption/decisions/tags.js';
import type { Ctx } from '../../context.js';
import { recordRefusal } from '../../events/record-event.js';
import { listUserCredentials } from '../../passkeys/passkeys.js';
import type { Project } from '../../projects/project.js';
import { findUserByIdentifier } from '../../users/users.js';
import { issueChallenge } from '../shared/challenges.js';
import { CHALLENGE_TTL, WEBAUTHN_TIMEOUT_MS } from '../shared/lifetimes.js';
import { openProcess } from '../shared/processes.js';
import { inOneCommit } from '../../store/in-one-commit.js';

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
  const process = await openProcess(ctx, project.id, input.processId, 'login');
  const user = await findUserByIdentifier(ctx, project.id, input.identifier);
  if (user) {
    const policy = await ctx.policies.get(ctx, project.id);
    const refusal = policyRefusal(policy, { projectId: project.id, flow: 'login', userId: user.id, osFamily: process.os_family });
    if (refusal.length > 0) {
      await recordRefusal(ctx, {
        projectId: project.id,
        type: 'login-failed',
        userId: user.id,
        processId: process.id,
        detail: { reason: 'login_not_allowed', step: 'start', decisionTags: refusal },
      });
      return { status: 'noPasskey', decisionTags: refusal };
    }
  }
  const credentials = user ? await listUserCredentials(ctx, project.id, user.id) : [];
  if (!user || credentials.length === 0) {
    await recordRefusal(ctx, {
      projectId: project.id,
      type: 'login-failed',
      userId: user?.id ?? null,
      processId: process.id,
      detail: { reason: 'no_passkey', step: 'start' },
    });
    return { status: 'noPasskey', decisionTags: [] };
  }
  // The challenge and the process's user: one commit on SQLite (see inOneCommit).
  const challenge = await inOneCommit(ctx, async (writeCtx) => {
    const issued = await issueChallenge(writeCtx, { projectId: project.id, processId: process.id, kind: 'login', userId: user.id, ttl: CHALLENGE_TTL });
    // The process remembers whose login it is, so that a refusal before the passkey is known
    // (a foreign origin, say) still lands in that user's trail.
    await writeCtx.store.db
      .updateTable('processes')
      .set({ user_id: user.id, login_method: input.method ?? 'identifier' })
      .where('id', '=', process.id)
      .execute();
    return issued;
  });
  const assertionOptions = await generateAuthenticationOptions({
    rpID: project.rpId,
    challenge: challenge.bytes,
    allowCredentials: credentials.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as string[] })),
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
  });
  return { status: 'ok', assertionOptions, challengeId: challenge.row.id, decisionTags: [] };
}
