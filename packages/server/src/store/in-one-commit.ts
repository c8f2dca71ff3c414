import type { Ctx } from '../context.js';

/**
 * Runs a step's few writes (login/init, login/start), each as its own autocommitted statement.
 *
 * Wrapping them in one SQLite transaction saves a commit per step, but it was taken back: when the
 * store fails at COMMIT (a read-only, full or immutable file), Kysely's ROLLBACK after it fails too
 * ("no transaction is active") and that error hides the store fault, so the client got a 500
 * instead of 503 store_unavailable (test/sqlite/store-faults.test.ts). Kept as one place to
 * bring the saving back once the rollback error no longer masks the cause.
 */
export async function inOneCommit<T>(ctx: Ctx, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  return work(ctx);
}
