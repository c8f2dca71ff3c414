import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { addBuckets, quantileMs, type Buckets } from './latency-buckets.js';
import { ROUTE_FAMILIES } from './route-family.js';

export interface LatencySeries {
  /** Seconds per point: 60 up to 6 hours, 5 minutes beyond (the route reads at most 48 hours). */
  step: number;
  /** Start of each point (Unix seconds), oldest first; every step of the window, empty ones too. */
  times: number[];
  /** Per route family: requests, and p50/p99 in ms (null where there were none). */
  families: Record<string, { count: number[]; p50: Array<number | null>; p99: Array<number | null> }>;
}

const stepFor = (hours: number) => (hours <= 6 ? 60 : hours <= 48 ? 300 : 3600);

/**
 * The latency chart's data over the last `hours`: every instance's rows of a step are merged by
 * summing their histograms, and the quantiles are read from the sum. That weighs each instance
 * by its requests (an idle instance's one slow request does not become the cluster's p99, as a
 * max of per-instance p99s would make it), and it is exact up to the buckets' width, where an
 * average of quantiles has no meaning at all.
 */
export async function readLatency(ctx: Ctx, hours: number): Promise<LatencySeries> {
  const step = stepFor(hours);
  const end = Math.floor(nowSeconds(ctx.clock) / step) * step;
  const start = end - Math.ceil((hours * 3600) / step) * step + step;
  const times: number[] = [];
  for (let t = start; t <= end; t += step) times.push(t);
  const merged = new Map<string, Buckets>();
  const rows = await ctx.store.db.selectFrom('latency_samples').select(['family', 'minute', 'buckets']).where('minute', '>=', start).execute();
  for (const row of rows) {
    const key = `${row.family}|${Math.floor(Number(row.minute) / step) * step}`;
    const buckets = JSON.parse(row.buckets) as Buckets;
    const existing = merged.get(key);
    merged.set(key, existing ? addBuckets(existing, buckets) : buckets);
  }
  const families: LatencySeries['families'] = {};
  for (const family of ROUTE_FAMILIES) {
    const series = { count: [] as number[], p50: [] as Array<number | null>, p99: [] as Array<number | null> };
    for (const t of times) {
      const buckets = merged.get(`${family}|${t}`) ?? {};
      series.count.push(Object.values(buckets).reduce((a, b) => a + b, 0));
      series.p50.push(round(quantileMs(buckets, 0.5)));
      series.p99.push(round(quantileMs(buckets, 0.99)));
    }
    if (series.count.some((n) => n > 0)) families[family] = series;
  }
  return { step, times, families };
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 100) / 100);
