import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { PRIMARY_KEY, RETENTION, type PrunedTable } from './retention.js';

export interface PruneOptions {
  /** Rows per DELETE statement: small statements keep locks short and let requests in between. */
  batchSize?: number;
}

export type PruneReport = Record<PrunedTable, number>;

/** Challenges before processes: a process's challenges would go with it (ON DELETE CASCADE) uncounted. */
const ORDER: PrunedTable[] = ['challenges', 'processes', 'connect_tokens', 'spent_tokens'];

/**
 * Deletes rows whose expiry lies further back than their retention (see retention.ts), in small
 * batches, yielding to the event loop between batches so that requests are never held up behind
 * housekeeping. Safe to run on several instances at once: a DELETE of rows already gone is a no-op.
 */
export async function pruneExpired(ctx: Ctx, options: PruneOptions = {}): Promise<PruneReport> {
  const batchSize = options.batchSize ?? 500;
  const now = nowSeconds(ctx.clock);
  const report = { challenges: 0, processes: 0, connect_tokens: 0, spent_tokens: 0 };
  for (const table of ORDER) {
    const cutoff = now - RETENTION[table];
    for (;;) {
      const deleted = await deleteBatch(ctx, table, cutoff, batchSize);
      report[table] += deleted;
      if (deleted < batchSize) break;
      await yieldToEventLoop();
    }
  }
  return report;
}

/** One bounded DELETE; the sub-select is how both SQLite and PostgreSQL take a LIMIT on a delete. */
async function deleteBatch(ctx: Ctx, table: PrunedTable, cutoff: number, batchSize: number): Promise<number> {
  const key = sql.ref(PRIMARY_KEY[table]);
  const result = await sql`
    delete from ${sql.table(table)} where ${key} in (
      select ${key} from ${sql.table(table)} where expires_at < ${cutoff} limit ${batchSize}
    )`.execute(ctx.store.db);
  return Number(result.numAffectedRows ?? 0n);
}
