import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import { SECONDS_PER_DAY } from '../adoption/events/record-adoption-event.js';
import type { Ctx } from '../context.js';
import { inTransaction } from '../store/in-transaction.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { nowSeconds } from '../util/clock.js';

export const DEFAULT_CLIENT_EVENT_RETENTION_DAYS = 30;

export interface AdoptionRollUpReport {
  /** Days whose raw funnel events were summed into adoption_daily in this run. */
  rolledDays: number;
  /** Raw funnel events deleted because they were older than the retention (their day is rolled up). */
  prunedEvents: number;
}

const GROUP = ['project_id', 'day', 'os_family', 'source', 'type', 'method', 'reason', 'result'] as const;

/**
 * Sums every finished day (before today, UTC) of raw funnel events into daily aggregates, once per
 * day, then deletes raw events older than the retention. Reports read the aggregates for rolled-up
 * days and raw rows only for the rest, so a report over a year reads at most a few thousand rows.
 * Events carry the server's time, so a day never gains rows once it is over. Several instances may
 * run this at once: a day's aggregates and its marker row commit together, and the loser of a race
 * rolls back on the marker's primary key.
 */
export async function rollUpAdoption(ctx: Ctx, options: { retentionDays?: number; batchSize?: number } = {}): Promise<AdoptionRollUpReport> {
  const today = Math.floor(nowSeconds(ctx.clock) / SECONDS_PER_DAY);
  const lastRolled = await ctx.store.db
    .selectFrom('adoption_rollups')
    .select((eb) => eb.fn.max('day').as('day'))
    .executeTakeFirst();
  const after = lastRolled?.day === null || lastRolled?.day === undefined ? -1 : Number(lastRolled.day);
  const days = await ctx.store.db
    .selectFrom('adoption_events')
    .select('day')
    .distinct()
    .where('day', '>', after)
    .where('day', '<', today)
    .orderBy('day')
    .execute();
  let rolledDays = 0;
  for (const { day } of days) {
    if (await rollUpDay(ctx, Number(day))) rolledDays++;
    await yieldToEventLoop();
  }
  const prunedEvents = await pruneRolledEvents(ctx, today - (options.retentionDays ?? DEFAULT_CLIENT_EVENT_RETENTION_DAYS), options.batchSize ?? 5000);
  return { rolledDays, prunedEvents };
}

async function rollUpDay(ctx: Ctx, day: number): Promise<boolean> {
  try {
    return await inTransaction(ctx, async (tx) => {
      const done = await tx.store.db.selectFrom('adoption_rollups').select('day').where('day', '=', day).executeTakeFirst();
      if (done) return false;
      await tx.store.db
        .insertInto('adoption_daily')
        .columns([...GROUP, 'count'])
        .expression(
          tx.store.db
            .selectFrom('adoption_events')
            .select([...GROUP, (eb) => eb.fn.countAll<number>().as('count')])
            .where('day', '=', day)
            .groupBy([...GROUP]),
        )
        .execute();
      await tx.store.db.insertInto('adoption_rollups').values({ day, rolled_at: nowSeconds(tx.clock) }).execute();
      return true;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return false; // another instance rolled this day up first
    throw error;
  }
}

/** Raw rows before `beforeDay`, but only of days already rolled up: nothing is lost uncounted. */
async function pruneRolledEvents(ctx: Ctx, beforeDay: number, batchSize: number): Promise<number> {
  const lastRolled = await ctx.store.db.selectFrom('adoption_rollups').select((eb) => eb.fn.max('day').as('day')).executeTakeFirst();
  if (lastRolled?.day === null || lastRolled?.day === undefined) return 0;
  const cutoff = Math.min(beforeDay, Number(lastRolled.day) + 1);
  let pruned = 0;
  for (;;) {
    const result = await sql`
      delete from adoption_events where id in (
        select id from adoption_events where day < ${cutoff} limit ${batchSize}
      )`.execute(ctx.store.db);
    const deleted = Number(result.numAffectedRows ?? 0n);
    pruned += deleted;
    if (deleted < batchSize) return pruned;
    await yieldToEventLoop();
  }
}
