import { addBuckets, bucketOf, type Buckets } from './latency-buckets.js';
import { routeFamilyOf, type RouteFamily } from './route-family.js';

/**
 * This process's request latencies since the last sample, per route family, as histograms
 * (latency-buckets.ts). Observing is a map lookup and an increment: it runs on every response.
 */
export class LatencyRecorder {
  private current = new Map<RouteFamily, Buckets>();

  observe(route: string, seconds: number): void {
    const family = routeFamilyOf(route);
    if (!family) return;
    let buckets = this.current.get(family);
    if (!buckets) this.current.set(family, (buckets = {}));
    const index = bucketOf(seconds * 1000);
    buckets[index] = (buckets[index] ?? 0) + 1;
  }

  /** The histograms since the last take, and a fresh start. */
  take(): Map<RouteFamily, Buckets> {
    const taken = this.current;
    this.current = new Map();
    return taken;
  }

  /** Puts histograms back (a sample that could not be written is retried with the next one). */
  giveBack(taken: Map<RouteFamily, Buckets>): void {
    for (const [family, buckets] of taken) {
      const existing = this.current.get(family);
      this.current.set(family, existing ? addBuckets(existing, buckets) : buckets);
    }
  }
}
