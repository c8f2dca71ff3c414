import type { Ctx } from '../context.js';

/**
 * Runs a step's few writes so that they cost one commit where a commit is what costs: on SQLite
 * every autocommitted statement is a WAL write of its own, so they run in one transaction; on
 * PostgreSQL a transaction would add BEGIN and COMMIT round trips to statements that each commit
 * cheaply on the server, so they run as they are. Only for writes whose atomicity nothing relies on
 * (each is valid on its own, as before) and that record no events: unlike inTransaction it does
 * not flush the queued refusal events first (there is no event here whose order they must keep).
 */
export async function inOneCommit<T>(ctx: Ctx, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.store.dialect !== 'sqlite' || ctx.store.db.isTransaction) return work(ctx);
  return ctx.store.db.transaction().execute((trx) => work({ ...ctx, store: { ...ctx.store, db: trx } }));
}
