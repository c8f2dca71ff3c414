import type { Ctx } from '../context.js';
import { inTransaction } from './in-transaction.js';

/**
 * Runs a step's few writes (login/init, login/start) so that they cost one commit where that is
 * cheaper: on SQLite in one transaction (one WAL commit instead of one per statement). On
 * PostgreSQL each stays its own autocommitted statement: BEGIN and COMMIT would be two more round
 * trips than the commits they save. Either way a failure leaves at most rows nothing refers to
 * (a process without its challenge), which expire like any other.
 *
 * A store fault at COMMIT still answers 503: the SQLite driver skips the ROLLBACK that SQLite has
 * already done itself (sqlite-immediate-dialect.ts), so the COMMIT's error is the one reported.
 */
export async function inOneCommit<T>(ctx: Ctx, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.store.dialect === 'sqlite') return inTransaction(ctx, work);
  return work(ctx);
}
