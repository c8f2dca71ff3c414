import { Type } from 'typebox';
import { packageVersion } from '../../cli/version.js';
import type { Ctx } from '../../context.js';
import { checkReadiness } from '../../health/readiness.js';
import type { App } from '../../http/route-deps.js';
import { countInstances } from '../../ops/count-instances.js';
import { readLatency } from '../../ops/read-latency.js';

const hide = true;
/**
 * The latency chart reads at most two days: it merges every instance's rows of every minute
 * (minutes × families × instances rows, ~70 000 for 4 instances), which bench:console times at a
 * few hundred ms; a week took over a second. Longer windows would need an hourly roll-up.
 */
const MAX_LATENCY_HOURS = 48;

/**
 * The server's own health, not a project's: readiness, store, version, the instances whose
 * heartbeat is recent, and p50/p99 latency per route family (src/ops). An instance counts as seen
 * when its heartbeat is younger than three sample intervals: one missed tick (a busy event loop, a
 * database blip) does not make it disappear.
 */
export async function consoleOpsRoutes(app: App, ctx: Ctx, sampleInterval: number): Promise<void> {
  app.get('/api/health', { schema: { hide } }, async () => {
    const readiness = await checkReadiness(ctx);
    const instances = sampleInterval > 0 ? await countInstances(ctx, 3 * sampleInterval) : null;
    return { ready: readiness.ready, checks: readiness.checks, store: ctx.store.dialect, storeLocation: ctx.store.describe, version: packageVersion(), sampleInterval, instances };
  });

  app.get('/api/latency', { schema: { hide, querystring: Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LATENCY_HOURS })) }) } }, async (request) => ({
    sampleInterval,
    ...(await readLatency(ctx, request.query.hours ?? 24)),
  }));
}
