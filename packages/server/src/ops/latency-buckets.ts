/**
 * A latency histogram of fixed, log-spaced buckets: bucket i holds durations up to
 * 0.1 ms × 2^(i/4), so each bucket is ~19 % wider than the one before and a quantile read from it
 * is within that of the true value, from 0.1 ms to minutes. Fixed bounds are what make
 * histograms of different instances (and minutes) add up exactly: merging is summing counts.
 * prom-client's own histogram has 11 coarse buckets meant for alerting, too coarse for a p50.
 */
export type Buckets = Record<number, number>;

const FIRST_BOUND_MS = 0.1;
const STEPS_PER_DOUBLING = 4;
/** 0.1 ms × 2^(100/4) ≈ 56 minutes: the last bucket takes everything slower. */
const LAST = 100;

export function upperBoundMs(index: number): number {
  return FIRST_BOUND_MS * 2 ** (index / STEPS_PER_DOUBLING);
}

export function bucketOf(ms: number): number {
  if (!(ms > FIRST_BOUND_MS)) return 0;
  return Math.min(LAST, Math.ceil(Math.log2(ms / FIRST_BOUND_MS) * STEPS_PER_DOUBLING));
}

/** Adds `from` into `into` (the merge of two histograms). */
export function addBuckets(into: Buckets, from: Buckets): Buckets {
  for (const [index, count] of Object.entries(from)) into[Number(index)] = (into[Number(index)] ?? 0) + count;
  return into;
}

export function totalOf(buckets: Buckets): number {
  return Object.values(buckets).reduce((a, b) => a + b, 0);
}

/**
 * The q-quantile in milliseconds, interpolated linearly inside the bucket it falls in (as
 * Prometheus's histogram_quantile does); null for an empty histogram.
 */
export function quantileMs(buckets: Buckets, q: number): number | null {
  const total = totalOf(buckets);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const index of Object.keys(buckets).map(Number).sort((a, b) => a - b)) {
    const count = buckets[index]!;
    if (seen + count >= rank) {
      const lower = index === 0 ? 0 : upperBoundMs(index - 1);
      const upper = upperBoundMs(index);
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return upperBoundMs(LAST);
}
