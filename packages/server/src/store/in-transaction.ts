import type { Ctx } from '../context.js';

/**
 * Runs `work` in one transaction with a context whose store is that transaction. Called inside
 * another transaction, it joins it (Kysely has no nested transactions), so service functions can
 * be atomic on their own and still compose into a larger atomic step.
 */
export async function inTransaction<T>(ctx: Ctx, work: (txCtx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.store.db.isTransaction) return work(ctx);
  return ctx.store.db.transaction().execute((trx) => work({ ...ctx, store: { ...ctx.store, db: trx } }));
}
