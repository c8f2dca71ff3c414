import { Type } from 'typebox';
import { BackendClientEvent, EVENTS_BODY_LIMIT, eventBatch } from '../../adoption/events/client-event.js';
import { ingestClientEvents } from '../../adoption/events/ingest-client-events.js';
import { PolicyPatchSchema, PolicySchema } from '../../adoption/policy/policy-schema.js';
import { readPolicy } from '../../adoption/policy/policy-cache.js';
import { updatePolicy } from '../../adoption/policy/update-policy.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas/common.js';

const security = [{ basicAuth: [] }];

export async function backendAdoptionRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get(
    '/policy',
    { schema: { operationId: 'getAdoptionPolicy', tags: ['Backend API: adoption'], security, summary: 'The project’s adoption policy', response: { 200: PolicySchema, ...errorResponses(401, 429) } } },
    async (request) => readPolicy(ctx, projectOf(request).id),
  );

  app.patch(
    '/policy',
    {
      schema: {
        operationId: 'updateAdoptionPolicy',
        tags: ['Backend API: adoption'],
        security,
        summary: 'Change part of the policy (objects merged, values and lists replaced); every instance obeys within 5 s',
        body: PolicyPatchSchema,
        response: { 200: PolicySchema, ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request) => updatePolicy(ctx, projectOf(request).id, request.body, `api-secret:${request.apiSecretId ?? 'unknown'}`),
  );

  app.post(
    '/events',
    {
      bodyLimit: EVENTS_BODY_LIMIT,
      schema: {
        operationId: 'recordBackendEvents',
        tags: ['Backend API: adoption'],
        security,
        summary: 'Report the app’s own events, above all its password logins (1–20 events, ≤ 16 KiB)',
        body: eventBatch(BackendClientEvent),
        response: { 202: Type.Object({ accepted: Type.Integer() }), ...errorResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return ingestClientEvents(ctx, projectOf(request).id, request.body.events);
    },
  );
}
