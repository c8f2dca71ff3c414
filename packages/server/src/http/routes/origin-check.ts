import { Type } from 'typebox';
import { badRequest, notFound } from '../../errors/latchkey-error.js';
import { webOrigins } from '../../projects/accepted-origins.js';
import { findServedProject } from '../../projects/get-project.js';
import { originRefused } from '../../projects/origin-refusal.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas/common.js';

/**
 * `GET /v2/projects/{projectId}/origin-check`: may a page on the caller's `Origin` use this project?
 *
 * Why it exists: the Frontend API's requests are always preflighted (JSON body, X-Project-ID), and a
 * refused preflight reaches the page only as a bare network error, indistinguishable from a server
 * that is down. This GET is a CORS "simple request" (no preflight), and every answer, the refusal
 * included, carries `Access-Control-Allow-Origin` for exactly the caller's origin, so the browser
 * SDK can read why it was refused and hand the developer a message that names the origin and how to
 * allow it. It tells a page nothing it could not learn otherwise: whether the project exists (its
 * JWKS is public) and whether its own origin is allowed (any HTTP client can send an Origin header
 * and watch the preflight). It never lists the project's origins, and it changes nothing.
 */
export async function originCheckRoute(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get(
    '/v2/projects/:projectId/origin-check',
    {
      schema: {
        operationId: 'checkOrigin',
        tags: ['Frontend API'],
        summary: 'Whether the calling page’s origin may use this project (readable from any origin, for diagnosis)',
        params: Type.Object({ projectId: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ origin: Type.String(), allowed: Type.Literal(true) }), ...errorResponses(400, 403, 404, 414, 429) },
      },
    },
    async (request, reply) => {
      const origin = request.headers.origin;
      if (typeof origin !== 'string' || origin === '') throw badRequest('origin_missing', 'send the Origin header of the page to check');
      reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', 'X-Request-ID').header('vary', 'Origin').header('cache-control', 'no-store');
      const project = await findServedProject(ctx, request.params.projectId);
      if (!project) throw notFound('project_not_found', `no project ${request.params.projectId} on this Latchkey: check the page's project-id`);
      if (!webOrigins(project).includes(origin)) throw originRefused(origin, project.id);
      return { origin, allowed: true as const };
    },
  );
}
