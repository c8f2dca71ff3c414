import type { Ctx } from '../../context.js';
import { conflict, gone, webauthnFailed } from '../../errors/latchkey-error.js';
import type { ChallengeRow } from '../../store/schema.js';
import { prepareQuery } from '../../store/prepare-query.js';
import { nowSeconds } from '../../util/clock.js';
import { newChallengeId } from '../../util/ids.js';

/** 'append-conditional': issued for conditional create, the one kind whose answer may lack UP and UV. */
export type ChallengeKind = 'append' | 'append-conditional' | 'login' | 'login-cui';

export interface ChallengeInput {
  projectId: string;
  processId: string;
  kind: ChallengeKind;
  userId?: string;
  ttl: number;
}

/** A fresh 32-byte challenge, remembered server-side and bound to one process. */
export async function issueChallenge(ctx: Ctx, input: ChallengeInput): Promise<{ row: ChallengeRow; bytes: Uint8Array<ArrayBuffer> }> {
  const challenge = newChallenge(ctx, input);
  await ctx.store.db.insertInto('challenges').values(challenge.row).execute();
  return challenge;
}

/** A fresh challenge and the row that remembers it, not yet written (for a caller that writes it with other rows). */
export function newChallenge(ctx: Ctx, input: ChallengeInput): { row: ChallengeRow; bytes: Uint8Array<ArrayBuffer> } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const now = nowSeconds(ctx.clock);
  const row: ChallengeRow = {
    id: newChallengeId(),
    project_id: input.projectId,
    process_id: input.processId,
    kind: input.kind,
    challenge: Buffer.from(bytes).toString('base64url'),
    user_id: input.userId ?? null,
    created_at: now,
    expires_at: now + input.ttl,
    used_at: null,
  };
  return { row, bytes };
}

/**
 * Spends the challenge a response answers, in one conditional UPDATE: of any number of concurrent
 * answers exactly one wins, whatever instance they reach. It is spent before the signature is
 * checked, so a challenge is answered at most once, successfully or not. When nothing was spent, a
 * read afterwards only explains why.
 */
export async function consumeChallenge(
  ctx: Ctx,
  input: { processId: string; kind: ChallengeKind | ChallengeKind[]; challenge: string },
): Promise<ChallengeRow> {
  const kinds = Array.isArray(input.kind) ? input.kind : [input.kind];
  const now = nowSeconds(ctx.clock);
  const spent =
    kinds.length === 1
      ? (await spendOneKind.execute(ctx, { processId: input.processId, kind: kinds[0]!, challenge: input.challenge, now })).rows[0]
      : await ctx.store.db
          .updateTable('challenges')
          .set({ used_at: now })
          .where('process_id', '=', input.processId)
          .where('kind', 'in', kinds)
          .where('challenge', '=', input.challenge)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returningAll()
          .executeTakeFirst();
  if (spent) return spent;

  const existing = await ctx.store.db
    .selectFrom('challenges')
    .selectAll()
    .where('process_id', '=', input.processId)
    .where('kind', 'in', kinds)
    .where('challenge', '=', input.challenge)
    .executeTakeFirst();
  if (!existing) throw webauthnFailed('challenge_mismatch', 'the response does not answer a challenge of this process');
  if (existing.used_at !== null) throw conflict('challenge_already_used', 'this challenge was already answered; start again');
  throw gone('challenge_expired', 'the challenge has expired; start again');
}

/** The spend of a login's challenge (one kind), compiled once (see prepareQuery); the same conditional UPDATE. */
const spendOneKind = prepareQuery((db, args: { processId: string; kind: ChallengeKind; challenge: string; now: number }) =>
  db
    .updateTable('challenges')
    .set({ used_at: args.now })
    .where('process_id', '=', args.processId)
    .where('kind', '=', args.kind)
    .where('challenge', '=', args.challenge)
    .where('used_at', 'is', null)
    .where('expires_at', '>', args.now)
    .returningAll(),
);

/** A challenge row's INSERT, compiled once (see prepareQuery): `insertChallenge.compiled(ctx, row)`. */
export const insertChallenge = prepareQuery((db, row: ChallengeRow & Record<string, unknown>) =>
  db.insertInto('challenges').values({
    id: row.id,
    project_id: row.project_id,
    process_id: row.process_id,
    kind: row.kind,
    challenge: row.challenge,
    user_id: row.user_id,
    created_at: row.created_at,
    expires_at: row.expires_at,
    used_at: row.used_at,
  }),
);
