import type { Ctx } from '../context.js';
import { isStalePlanFailure } from './discard-broken-connections.js';

/**
 * Runs `work` in one transaction with a context whose store is that transaction. Called inside
 * another transaction, it joins it (Kysely has no nested transactions), so service functions can
 * be atomic on their own and still compose into a larger atomic step.
 */
export async function inTransaction<T>(ctx: Ctx, work: (txCtx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.store.db.isTransaction) return work(ctx);
  // Refusal events this instance queued are written first, so that the trail keeps the order in
  // which things happened here (a transaction's events never overtake an earlier refusal). Before
  // the transaction, not in it: on SQLite the transaction holds the one connection the flush needs.
  if (ctx.events?.size) await ctx.events.flush();
  const attempt = () => ctx.store.db.transaction().execute((trx) => work({ ...ctx, store: { ...ctx.store, db: trx } }));
  try {
    return await attempt();
  } catch (error) {
    // PostgreSQL: a migration by a newer instance changed a table under a prepared statement. The
    // failure aborted the transaction (nothing of it was written), and every connection drops
    // its stale plans before its next use (discard-broken-connections.ts): once more succeeds.
    if (!isStalePlanFailure(error)) throw error;
    return attempt();
  }
}
