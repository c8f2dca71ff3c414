import { Type } from 'typebox';
import { funnel, type FunnelGrouping } from '../../adoption/analytics/funnel.js';
import { funnelRange } from '../../adoption/analytics/funnel-range.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas/common.js';

const Counts = Type.Record(Type.String(), Type.Integer());
const FunnelRow = Type.Object({
  day: Type.Optional(Type.String({ description: 'YYYY-MM-DD (UTC)' })),
  osFamily: Type.Optional(Type.String()),
  offers: Type.Integer(),
  appendsStarted: Type.Integer(),
  appendsCompleted: Type.Integer(),
  appendsDeclined: Type.Integer(),
  logins: Type.Object({ passkeyIdentifier: Type.Integer(), passkeyConditionalUI: Type.Integer(), passkeyOneTap: Type.Integer(), password: Type.Integer() }),
  passkeyLoginRate: Type.Number({ description: 'passkey logins / all logins, 0–1' }),
  conditionalCreates: Type.Object({ created: Type.Integer(), failed: Type.Integer(), unsupported: Type.Integer() }),
  fallbackReasons: Counts,
  errorReasons: Counts,
});

export async function backendAnalyticsRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get(
    '/analytics/funnel',
    {
      schema: {
        operationId: 'getAdoptionFunnel',
        tags: ['Backend API: adoption'],
        security: [{ basicAuth: [] }],
        summary: 'The adoption funnel per day and/or OS family (default: the last 30 days, per day)',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, UTC' })),
          to: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, UTC; default today' })),
          groupBy: Type.Optional(Type.Enum(['day', 'platform', 'day,platform'])),
        }),
        response: {
          200: Type.Object({ from: Type.String(), to: Type.String(), rows: Type.Array(FunnelRow), usersWithPasskey: Type.Integer() }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const range = funnelRange(ctx.clock, request.query.from, request.query.to);
      return funnel(ctx, projectOf(request).id, { ...range, groupBy: (request.query.groupBy ?? 'day') as FunnelGrouping });
    },
  );
}
