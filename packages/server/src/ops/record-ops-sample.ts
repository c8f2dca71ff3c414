import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { randomBase62 } from '../util/ids.js';
import type { Instance } from './instance.js';
import { quantileMs, totalOf } from './latency-buckets.js';
import type { LatencyRecorder } from './latency-recorder.js';

/**
 * One pass of the ops sampler: this instance's heartbeat, then one latency row per route family
 * that had requests since the last pass. The row's minute is the one the middle of the sampled
 * period falls in, so with the default 60 s period every row lands on the minute it covers
 * (whatever second of the minute the timer fires at). When the store refuses, the histograms go
 * back to the recorder and join the next pass: a database blip loses no requests, it only moves
 * them to a later minute.
 */
export async function recordOpsSample(ctx: Ctx, instance: Instance, recorder: LatencyRecorder, periodSeconds: number): Promise<number> {
  const now = nowSeconds(ctx.clock);
  const taken = recorder.take();
  try {
    await ctx.store.db
      .insertInto('instances')
      .values({ id: instance.id, host: instance.host, pid: instance.pid, started_at: instance.startedAt, last_seen_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ last_seen_at: now }))
      .execute();
    const minute = Math.floor((now - periodSeconds / 2) / 60) * 60;
    const rows = [...taken].map(([family, buckets]) => ({
      id: `lat-${randomBase62(20)}`,
      instance_id: instance.id,
      family,
      minute,
      count: totalOf(buckets),
      p50_ms: quantileMs(buckets, 0.5) ?? 0,
      p99_ms: quantileMs(buckets, 0.99) ?? 0,
      buckets: JSON.stringify(buckets),
    }));
    if (rows.length > 0) await ctx.store.db.insertInto('latency_samples').values(rows).execute();
    return rows.length;
  } catch (error) {
    recorder.giveBack(taken);
    throw error;
  }
}
