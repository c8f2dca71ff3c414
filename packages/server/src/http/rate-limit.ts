import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LatchkeyError } from '../errors/latchkey-error.js';

/**
 * Per-minute request budget for the routes of one plugin scope. Counters live in this instance's
 * memory: behind a load balancer each instance grants the budget on its own (docs/operations.md).
 */
export async function limitRequests(app: FastifyInstance, perMinute: number, key: (request: FastifyRequest) => string): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: key,
    errorResponseBuilder: (_request, context) =>
      new LatchkeyError(429, 'rate_limited', `too many requests; retry after ${context.after}`, {
        'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))),
      }),
  });
}
