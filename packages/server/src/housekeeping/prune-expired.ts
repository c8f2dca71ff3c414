import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql, type RawBuilder } from 'kysely';
import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { IDLE_TIMEOUT } from '../console/sessions.js';
import { INSTANCE_RETENTION, LATENCY_SAMPLE_RETENTION, PRIMARY_KEY, RETENTION, type PrunedTable } from './retention.js';

export interface PruneOptions {
  /** Rows per DELETE statement: small statements keep locks short and let requests in between. */
  batchSize?: number;
}

export type PruneReport = Record<PrunedTable | 'console_sessions' | 'latency_samples' | 'instances', number>;

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
  const report: PruneReport = { challenges: 0, processes: 0, connect_tokens: 0, spent_tokens: 0, console_sessions: 0, latency_samples: 0, instances: 0 };
  for (const table of ORDER) {
    report[table] = await deleteInBatches(ctx, table, PRIMARY_KEY[table], sql`expires_at < ${now - RETENTION[table]}`, batchSize);
  }
  // A console session ends at its absolute end or after IDLE_TIMEOUT without a request; either
  // way it can never be used again (sessions.ts refuses it, by the same two tests), so it goes at
  // once: a session row holds the CSRF token and names an administrator, nothing worth keeping.
  report.console_sessions = await deleteInBatches(
    ctx,
    'console_sessions',
    'id_hash',
    sql`expires_at <= ${now} or last_seen_at <= ${now - IDLE_TIMEOUT}`,
    batchSize,
  );
  // The console's latency chart and instance count (src/ops): bounded history.
  report.latency_samples = await deleteInBatches(ctx, 'latency_samples', 'id', sql`minute < ${now - LATENCY_SAMPLE_RETENTION}`, batchSize);
  report.instances = await deleteInBatches(ctx, 'instances', 'id', sql`last_seen_at < ${now - INSTANCE_RETENTION}`, batchSize);
  return report;
}

/**
 * Bounded DELETEs until none is full, yielding between them; the sub-select is how both SQLite and
 * PostgreSQL take a LIMIT on a delete.
 */
async function deleteInBatches(ctx: Ctx, table: string, primaryKey: string, where: RawBuilder<unknown>, batchSize: number): Promise<number> {
  const key = sql.ref(primaryKey);
  let total = 0;
  for (;;) {
    const result = await sql`
      delete from ${sql.table(table)} where ${key} in (
        select ${key} from ${sql.table(table)} where (${where}) limit ${batchSize}
      )`.execute(ctx.store.db);
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < batchSize) return total;
    await yieldToEventLoop();
  }
}
