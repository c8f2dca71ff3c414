import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { latchkeyRoutes } from '../routes/latchkey-routes.js';
import { pageRoutes } from '../routes/page-routes.js';
import { passwordRoutes } from '../routes/password-routes.js';
import type { RouteDeps } from '../routes/deps.js';
import { installErrorHandling } from './error-handler.js';
import { acceptFormBodies } from './form-body.js';
import { requireSameOrigin } from './same-origin.js';
import { installSecurityHeaders } from './security-headers.js';
import { serveStaticFiles } from './static-files.js';

export async function buildApp(deps: RouteDeps, options: { logLevel: string; bundlePath: string }): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: options.logLevel }, bodyLimit: 64 * 1024 });
  await app.register(fastifyCookie);
  acceptFormBodies(app);
  installErrorHandling(app, deps.db);
  requireSameOrigin(app);
  installSecurityHeaders(app, new URL(deps.pageConfig.baseUrl).origin);
  await serveStaticFiles(app, options.bundlePath);
  pageRoutes(app, deps);
  passwordRoutes(app, deps);
  latchkeyRoutes(app, deps);
  return app;
}
