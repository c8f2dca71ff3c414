import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Ctx } from '../context.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import type { Metrics } from '../metrics/metrics.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface RouteDeps {
  ctx: Ctx;
  metrics: Metrics;
}

/** Counts a ceremony's outcome ('ok' or the refusal code) and passes its result or error through. */
export async function countCeremony<T>(metrics: Metrics, kind: 'append' | 'login', work: Promise<T>): Promise<T> {
  try {
    const result = await work;
    metrics.ceremonies.inc({ kind, outcome: 'ok' });
    return result;
  } catch (error) {
    metrics.ceremonies.inc({ kind, outcome: error instanceof LatchkeyError ? error.code : 'internal_error' });
    throw error;
  }
}

export const userAgentOf = (headers: Record<string, unknown>): string | undefined => {
  const value = headers['user-agent'];
  return typeof value === 'string' ? value : undefined;
};
