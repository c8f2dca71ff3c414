import { Type } from 'typebox';
import { EVENTS_BODY_LIMIT, eventBatch, FrontendClientEvent } from '../../adoption/events/client-event.js';
import { ingestClientEvents } from '../../adoption/events/ingest-client-events.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses, ProjectIdHeader } from '../schemas/common.js';

export async function frontendEventRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.post(
    '/events',
    {
      bodyLimit: EVENTS_BODY_LIMIT,
      schema: {
        operationId: 'recordClientEvents',
        tags: ['Frontend API: adoption'],
        security: [{ projectId: [] }],
        summary: 'Report what only the browser sees (offer shown, cancelled, fallback, errors …): 1–20 events, ≤ 16 KiB',
        headers: ProjectIdHeader,
        body: eventBatch(FrontendClientEvent),
        response: { 202: Type.Object({ accepted: Type.Integer() }), ...errorResponses(400, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return ingestClientEvents(ctx, projectOf(request).id, request.body.events);
    },
  );
}
