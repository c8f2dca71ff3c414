import { Type } from 'typebox';
import { ReadinessProbe } from '../../health/readiness.js';
import { findServedProject } from '../../projects/get-project.js';
import { projectJwks } from '../../keys/signing-keys.js';
import { notFound } from '../../errors/latchkey-error.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas/common.js';

/** Unauthenticated routes: the JWKS and the operational endpoints. */
export async function publicRoutes(app: App, { ctx, metrics }: RouteDeps): Promise<void> {
  app.get(
    '/v2/projects/:projectId/.well-known/jwks.json',
    {
      schema: {
        operationId: 'getJwks',
        tags: ['Public'],
        summary: 'The project’s public signing keys (every key that may still have live tokens)',
        params: Type.Object({ projectId: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }), ...errorResponses(404, 414) },
      },
    },
    async (request, reply) => {
      const project = await findServedProject(ctx, request.params.projectId);
      if (!project) throw notFound('project_not_found', `no project ${request.params.projectId}`);
      // Short enough that a rotated-in key is seen quickly; jose's remote JWKS also refetches on an unknown kid.
      reply.header('cache-control', 'public, max-age=60').header('access-control-allow-origin', '*');
      return projectJwks(ctx, project.id);
    },
  );

  app.get(
    '/healthz',
    { schema: { operationId: 'health', tags: ['Operations'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }), ...errorResponses() } } },
    async () => ({ status: 'ok' as const }),
  );

  const readiness = new ReadinessProbe(ctx);
  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'readiness',
        tags: ['Operations'],
        summary: 'A login would work: the store takes a write and the active signing key opens (checked at most once a second)',
        // 503 (not_ready) takes the instance out of a load balancer's rotation.
        response: {
          200: Type.Object(
            { status: Type.Literal('ready'), checks: Type.Object({ store: Type.String(), signingKey: Type.String() }), sqliteSynchronous: Type.Optional(Type.String()) },
            { additionalProperties: true },
          ),
          ...errorResponses(),
        },
      },
    },
    async () => {
      const { ready, checks, failure } = await readiness.check();
      // Not ready: a load balancer takes this instance out of rotation until the check passes again.
      if (!ready) throw failure!;
      // SQLite's durability setting, for the operator who wonders what a power loss may cost.
      return { status: 'ready' as const, checks, ...(ctx.store.synchronous ? { sqliteSynchronous: ctx.store.synchronous } : {}) };
    },
  );

  app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.render();
  });
}
