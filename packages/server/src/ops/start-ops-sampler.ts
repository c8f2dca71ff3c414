import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { newInstance, type Instance } from './instance.js';
import type { LatencyRecorder } from './latency-recorder.js';
import { recordOpsSample } from './record-ops-sample.js';

export interface OpsSampler {
  instance: Instance;
  /** One pass now (tests drive it with the harness clock instead of waiting). */
  sampleNow(): Promise<number>;
  /** Writes the last sample, removes this instance's heartbeat (a graceful stop is not an instance lost), stops. */
  stop(): Promise<void>;
}

/**
 * Every `intervalSeconds` (LATCHKEY_METRICS_SAMPLE_INTERVAL), on every instance: heartbeat and
 * latency sample (record-ops-sample.ts). Ticks fall on multiples of the interval plus a few
 * random seconds, so that a minute's samples of all instances are written close together and
 * not all in the same second. The first heartbeat is written at once, so a new instance is
 * counted from its start. 0 turns it off (no heartbeat either). `scheduled: false` (the test
 * harness) leaves every pass to sampleNow().
 */
export function startOpsSampler(ctx: Ctx, recorder: LatencyRecorder, intervalSeconds: number, options: { scheduled?: boolean } = {}): OpsSampler {
  const instance = newInstance(nowSeconds(ctx.clock));
  const sampleNow = () => recordOpsSample(ctx, instance, recorder, Math.max(intervalSeconds, 1));
  if (intervalSeconds <= 0 || options.scheduled === false) return { instance, sampleNow, stop: async () => {} };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const run = () => {
    running = sampleNow().catch((error: unknown) => ctx.log?.warn({ err: error }, 'could not record the latency sample; it joins the next one'));
    return running;
  };
  const schedule = () => {
    const periodMs = intervalSeconds * 1000;
    const jitterMs = Math.random() * Math.min(5000, periodMs / 10);
    timer = setTimeout(() => void run().finally(() => !stopped && schedule()), periodMs - (Date.now() % periodMs) + jitterMs);
    timer.unref();
  };
  void run();
  schedule();

  return {
    instance,
    sampleNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      try {
        await sampleNow();
        await ctx.store.db.deleteFrom('instances').where('id', '=', instance.id).execute();
      } catch (error) {
        ctx.log?.warn({ err: error }, 'could not record the last latency sample at shutdown');
      }
    },
  };
}
