import type { FastifyInstance } from 'fastify';
import { DemoError } from '../errors.js';

/**
 * Every request that changes state must come from the app's own pages. SameSite=Lax already keeps
 * the session cookie off other sites' POSTs; checking `Origin` (sent by browsers on every POST) is
 * the second lock, and also covers same-site neighbours (another port on localhost is same-site).
 */
export function requireSameOrigin(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
      throw new DemoError('cross_origin_request', 'This request did not come from this site.', 403);
    }
  });
}
