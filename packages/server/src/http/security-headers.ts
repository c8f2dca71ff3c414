import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's security headers on every answer, worked out once.
 *
 * Why not @fastify/helmet: it calls `helmet(options)` inside its onRequest hook, so for every
 * request helmet builds its dozen middleware functions again and then runs them one by one against
 * the raw response (`npm run bench:perf` put that at 2.4 % of a login's main-thread CPU; a bare
 * `/healthz` cost about 20 µs of CPU more with it: 77 against 57 µs). The headers depend only on the
 * options, so here helmet runs once, at start-up, against a response that records what it sets,
 * and each request gets that record in one `reply.headers()`. helmet still decides every header
 * and value; a helmet upgrade that changes them changes them here too.
 */
export function installSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers = helmetHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The headers helmet's middleware sets for these options (helmet's middleware is synchronous). */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const recorded = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => void recorded.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value)),
    removeHeader: (name: string) => void recorded.delete(name.toLowerCase()),
    getHeader: (name: string) => recorded.get(name.toLowerCase()),
  };
  let finished = false;
  helmet(options)({} as never, response as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // A helmet that worked asynchronously would leave headers unset: better not to start.
  if (!finished) throw new Error('helmet did not finish synchronously; the security headers cannot be recorded');
  return Object.fromEntries(recorded);
}
