import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { consolePlugin } from '../console/http/console-plugin.js';
import type { Ctx } from '../context.js';
import type { Metrics } from '../metrics/metrics.js';
import { randomBase62 } from '../util/ids.js';
import { requireApiSecret, basicCredentials } from './backend-auth.js';
import { answerClientError } from './client-error.js';
import { installErrorHandling, refuseWhileClosing, sendError } from './error-handler.js';
import { guardFrontendScope } from './frontend-scope.js';
import { KnownOrigins } from './known-origins.js';
import { nameTitledSchemas } from './openapi-named-schemas.js';
import { dropHeadersCarriedBySecurity } from './openapi-security-headers.js';
import { limitRequests } from './rate-limit.js';
import { OneLineRequestLog } from './one-line-request-log.js';
import { serializeRequestForLog } from './redact-log-url.js';
import { installSecurityHeaders } from './security-headers.js';
import './request-context.js';
import type { App, RouteDeps } from './route-deps.js';
import { serverTimeouts, type RequestTimeouts } from './server-timeouts.js';
import { installBodyParsing, installInputGuards, installValidation } from './validation.js';
import { backendAdoptionRoutes } from './routes/backend-adoption.js';
import { backendAnalyticsRoutes } from './routes/backend-analytics.js';
import { backendConnectTokenRoutes } from './routes/backend-connect-tokens.js';
import { backendUserRoutes } from './routes/backend-users.js';
import { backendVerifyRoutes } from './routes/backend-verify.js';
import { frontendAppendRoutes } from './routes/frontend-append.js';
import { frontendEventRoutes } from './routes/frontend-events.js';
import { frontendLoginRoutes } from './routes/frontend-login.js';
import { frontendManageRoutes } from './routes/frontend-manage.js';
import { originCheckRoute } from './routes/origin-check.js';
import { publicRoutes } from './routes/public.js';
import { publicWellKnownRoutes } from './routes/public-well-known.js';
import { DEFAULTS } from '../config/config.js';

export interface AppOptions {
  ctx: Ctx;
  metrics: Metrics;
  logger: FastifyBaseLogger;
  bodyLimit: number;
  /** Milliseconds for a request's headers, a whole request, and an idle keep-alive connection. */
  timeouts: RequestTimeouts;
  trustProxy: boolean;
  frontendRateLimit: number;
  backendRateLimit: number;
  /** LATCHKEY_METRICS_SAMPLE_INTERVAL: the console's health view counts instances seen in 3 of these (its default when absent). */
  opsSampleInterval?: number;
}

/** The whole HTTP surface: one Fastify instance, each API in its own scope with its own guard. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { ctx, metrics } = options;
  const app = Fastify({
    // Request log lines carry the URL with query values redacted (identifiers are personal data).
    loggerInstance: options.logger.child({}, { serializers: { req: serializeRequestForLog } }),
    // One line per request, written when it is answered (see OneLineRequestLog).
    logController: new OneLineRequestLog(),
    bodyLimit: options.bodyLimit,
    ...serverTimeouts(options.timeouts),
    clientErrorHandler: answerClientError(options.logger, options.timeouts),
    trustProxy: options.trustProxy,
    // Request ids are ours, never taken from the client, so that logs cannot be forged into.
    requestIdHeader: false,
    genReqId: () => `req_${randomBase62(20)}`,
    // Shutdown is answered by our own hook below, in our error shape.
    return503OnClosing: false,
    // Errors the router raises before any route runs (a malformed %-escape, an over-long path
    // parameter) get the same error shape as everything else.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      sendError(reply, request, tooLong ? 414 : 400, tooLong ? 'uri_too_long' : 'invalid_url', error.message);
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as App;

  installErrorHandling(app, (code) => metrics.storeFailures.inc({ code }));
  installValidation(app);
  installBodyParsing(app);
  installInputGuards(app);
  refuseWhileClosing(app);
  // After the last request has been answered: the queued refusal events are written before the store closes.
  app.addHook('onClose', async () => ctx.events?.close());
  // Callback hooks rather than async ones (see refuseWhileClosing): they run for every request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    // Answers carry secrets, tokens (connect tokens, signedPasskeyData) and personal data: no
    // browser or proxy cache may keep them. Public answers (the JWKS) set a Cache-Control of their own.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    metrics.latency.observe(route, reply.elapsedTime / 1000);
    done();
  });

  // A JSON API: no CSP to set (the /docs viewer sets its own); it is meant to be called cross-origin.
  installSecurityHeaders(app, { contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'cross-origin' } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey API',
        version: '2',
        description: 'Self-hosted passkey login on top of the auth an app already has. Frontend API for browsers, Backend API for the app’s server.',
      },
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic', description: 'user = project id, password = API secret' },
          projectId: { type: 'apiKey', in: 'header', name: 'X-Project-ID' },
        },
      },
    },
    transformObject: (documentObject) => nameTitledSchemas(dropHeadersCarriedBySecurity((documentObject as { openapiObject: Record<string, any> }).openapiObject)),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI styles a live answer ("Try it out") with style attributes; a CSP without
    // 'unsafe-inline' for styles blocks them. Styles only, and only on the /docs pages: scripts stay 'self'.
    transformStaticCSP: (header) => header.replace(/style-src ([^;]*)/, (directive, sources: string) => (sources.includes("'unsafe-inline'") ? directive : `style-src ${sources} 'unsafe-inline'`)),
  });

  const deps: RouteDeps = { ctx, metrics };
  const knownOrigins = new KnownOrigins(ctx);

  await app.register(
    async (scope) => {
      const frontend = scope as unknown as App;
      await guardFrontendScope(frontend, ctx, knownOrigins);
      await limitRequests(frontend, options.frontendRateLimit, (request) => request.ip);
      await frontendLoginRoutes(frontend, deps);
      await frontendAppendRoutes(frontend, deps);
      await frontendManageRoutes(frontend, deps);
      await frontendEventRoutes(frontend, deps);
    },
    { prefix: '/v2/connect' },
  );

  await app.register(
    async (scope) => {
      const backend = scope as unknown as App;
      // Budget per authenticated project. Auth runs first (an instance hook, before the limiter's
      // route hooks), so callers with a wrong secret cannot spend a project's budget; guessing a
      // 238-bit secret is hopeless at any rate.
      await limitRequests(backend, options.backendRateLimit, (request) => basicCredentials(request)?.projectId.slice(0, 64) ?? request.ip);
      requireApiSecret(backend, ctx);
      await backendVerifyRoutes(backend, deps);
      await backendConnectTokenRoutes(backend, deps);
      await backendUserRoutes(backend, deps);
      await backendAdoptionRoutes(backend, deps);
      await backendAnalyticsRoutes(backend, deps);
    },
    { prefix: '/v2' },
  );

  await app.register(async (scope) => {
    const probe = scope as unknown as App;
    // A diagnosis the browser SDK sends after a refused request: limited like the Frontend API.
    await limitRequests(probe, options.frontendRateLimit, (request) => request.ip);
    await originCheckRoute(probe, deps);
  });

  await consolePlugin(app, ctx, { sampleInterval: options.opsSampleInterval ?? DEFAULTS.metricsSampleInterval });
  await publicRoutes(app, deps);
  await publicWellKnownRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
