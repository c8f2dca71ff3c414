import type { Ctx } from '../context.js';
import type { Metrics } from '../metrics/metrics.js';
import { pruneExpired } from './prune-expired.js';
import { rollUpAdoption } from './roll-up-adoption.js';

export interface Housekeeping {
  /** Stops the schedule and waits for a run in progress, so that the store can close after it. */
  stop(): Promise<void>;
}

/**
 * Prunes expired rows and rolls up the funnel's events every `intervalSeconds`, off the request path. Each instance runs its own
 * schedule; the first run comes after a random part of the interval so that instances started
 * together do not all prune at the same moment. A failed run (say, the database is away) is
 * logged and simply tried again at the next tick.
 */
export function startHousekeeping(ctx: Ctx, metrics: Metrics, intervalSeconds: number, options: { clientEventRetentionDays?: number } = {}): Housekeeping {
  if (intervalSeconds <= 0) return { stop: async () => {} };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const run = async () => {
    try {
      const report = await pruneExpired(ctx);
      for (const [table, rows] of Object.entries(report)) if (rows > 0) metrics.prunedRows.inc({ table }, rows);
      if (Object.values(report).some((rows) => rows > 0)) ctx.log?.info({ pruned: report }, 'housekeeping pruned expired rows');
      // The funnel's daily roll-up, then its raw events past their retention.
      const adoption = await rollUpAdoption(ctx, { ...(options.clientEventRetentionDays ? { retentionDays: options.clientEventRetentionDays } : {}) });
      if (adoption.prunedEvents > 0) metrics.prunedRows.inc({ table: 'adoption_events' }, adoption.prunedEvents);
      if (adoption.rolledDays > 0 || adoption.prunedEvents > 0) ctx.log?.info({ adoption }, 'housekeeping rolled up funnel events');
    } catch (error) {
      ctx.log?.warn({ err: error }, 'housekeeping failed; will try again at the next interval');
    }
  };

  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        if (!stopped) schedule(intervalSeconds * 1000);
      });
    }, delayMs);
    // Housekeeping alone never keeps the process alive.
    timer.unref();
  };
  schedule(Math.random() * intervalSeconds * 1000);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
