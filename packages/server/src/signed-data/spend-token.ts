import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import { eventInsert, recordEvent } from '../events/record-event.js';
import { inTransaction } from '../store/in-transaction.js';
import { executePrepared } from '../store/named-statements.js';
import { prepareQuery } from '../store/prepare-query.js';
import { nowSeconds } from '../util/clock.js';
import type { SignedPasskeyClaims } from './claims.js';

/**
 * Spends the token's jti and records `token-verified`, atomically: the event of a success is
 * committed with the spend, or neither is. Single use is the INSERT on the jti's unique key: of any
 * number of concurrent calls, on any number of instances, exactly one inserts. True when this call
 * spent it.
 *
 * On PostgreSQL both writes are one statement (a data-modifying WITH; one statement is one
 * transaction), so a verification costs one round trip instead of four (BEGIN, two INSERTs, COMMIT).
 */
export async function spendToken(ctx: Ctx, projectId: string, claims: SignedPasskeyClaims): Promise<boolean> {
  const now = nowSeconds(ctx.clock);
  const event = {
    projectId,
    type: 'token-verified' as const,
    userId: claims.sub,
    credentialId: claims.credential,
    processId: claims.processId,
    detail: { jti: claims.jti },
  };
  if (ctx.store.dialect === 'postgres' && !ctx.store.db.isTransaction) {
    // Refusals queued earlier go first, so that the trail keeps this instance's order.
    if (ctx.events?.size) await ctx.events.flush();
    const spend = sql<{ id: number }>`
      WITH spent AS (
        INSERT INTO spent_tokens (jti, project_id, user_id, spent_at, expires_at)
        VALUES (${claims.jti}, ${projectId}, ${claims.sub}, ${now}, ${claims.exp})
        ON CONFLICT (jti) DO NOTHING
        RETURNING jti
      )
      INSERT INTO passkey_events (project_id, user_id, type, credential_id, process_id, detail, created_at)
      SELECT ${projectId}::text, ${event.userId}::text, ${event.type}::text, ${event.credentialId}::text, ${event.processId}::text, ${JSON.stringify(event.detail)}::text, ${now}::bigint
      FROM spent
      RETURNING id`.compile(ctx.store.db);
    const { rows } = await executePrepared(ctx.store.db, spend);
    return rows.length === 1;
  }
  const direct = ctx.store.sqlite;
  if (direct && !ctx.store.db.isTransaction) {
    // Refusals queued earlier go first, as inTransaction does.
    if (ctx.events?.size) await ctx.events.flush();
    const spend = insertSpent.compiled(ctx, { jti: claims.jti, projectId, userId: claims.sub, now, exp: claims.exp });
    const audit = eventInsert(ctx, event);
    // One member of the group commit: the spend and its event, or neither.
    return direct.member((run) => {
      if (Number(run(spend).numAffectedRows ?? 0) !== 1) return false;
      run(audit);
      return true;
    });
  }
  return inTransaction(ctx, async (txCtx) => {
    const inserted = await insertSpent.execute(txCtx, { jti: claims.jti, projectId, userId: claims.sub, now, exp: claims.exp });
    if (Number(inserted.numAffectedRows ?? 0) !== 1) return false;
    await recordEvent(txCtx, event);
    return true;
  });
}

/** The spend itself (SQLite), compiled once (see prepareQuery): a second insert of a jti inserts nothing. */
const insertSpent = prepareQuery((db, args: { jti: string; projectId: string; userId: string; now: number; exp: number }) =>
  db
    .insertInto('spent_tokens')
    .values({ jti: args.jti, project_id: args.projectId, user_id: args.userId, spent_at: args.now, expires_at: args.exp })
    .onConflict((oc) => oc.column('jti').doNothing()),
);
