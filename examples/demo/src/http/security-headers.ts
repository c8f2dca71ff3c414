import type { FastifyInstance } from 'fastify';

/**
 * Pages run only their own scripts, talk only to the app and to Latchkey, and cannot be framed
 * (a framed login page invites clickjacking; Latchkey also refuses ceremonies run in a
 * cross-origin frame).
 */
export function installSecurityHeaders(app: FastifyInstance, latchkeyOrigin: string): void {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // Lit adopts constructed style sheets; the inline allowance covers browsers that fall back to <style>.
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ${latchkeyOrigin}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', csp);
      reply.header('x-frame-options', 'DENY');
      reply.header('cache-control', 'no-store');
    }
  });
}
