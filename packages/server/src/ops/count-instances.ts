import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';

export interface InstancesSeen {
  /** Serving processes (each cluster worker is one) whose heartbeat is younger than `withinSeconds`. */
  seen: number;
  /** Distinct hosts among them (a cluster's workers share one). */
  hosts: number;
  withinSeconds: number;
  instances: Array<{ id: string; host: string; pid: number; startedAt: number; lastSeenAt: number }>;
}

/** Instances that wrote a heartbeat in the last `withinSeconds`, newest start first. */
export async function countInstances(ctx: Ctx, withinSeconds: number): Promise<InstancesSeen> {
  const rows = await ctx.store.db
    .selectFrom('instances')
    .selectAll()
    .where('last_seen_at', '>=', nowSeconds(ctx.clock) - withinSeconds)
    .orderBy('started_at', 'desc')
    .limit(500)
    .execute();
  return {
    seen: rows.length,
    hosts: new Set(rows.map((r) => r.host)).size,
    withinSeconds,
    instances: rows.map((r) => ({ id: r.id, host: r.host, pid: Number(r.pid), startedAt: Number(r.started_at), lastSeenAt: Number(r.last_seen_at) })),
  };
}
