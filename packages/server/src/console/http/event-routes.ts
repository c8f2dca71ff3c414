import { Type } from 'typebox';
import type { Ctx } from '../../context.js';
import type { App } from '../../http/route-deps.js';
import { getProject } from '../../projects/get-project.js';
import { searchEvents, type EventSearch } from '../../events/search-events.js';
import { consoleCharts } from '../charts.js';
import { CSV_HEADER, eventsToCsv } from '../event-csv.js';

const hide = true;
const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 64 }) });
const Filters = Type.Object({
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  from: Type.Optional(Type.Integer({ minimum: 0 })),
  to: Type.Optional(Type.Integer({ minimum: 0 })),
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
const PAGE = 50;
/** One export is at most this many rows; narrow the time range for more. */
const CSV_MAX_ROWS = 100_000;

function search(query: { type?: string; user?: string; from?: number; to?: number; cursor?: string }, limit: number): EventSearch {
  return {
    limit,
    ...(query.type ? { type: query.type } : {}),
    ...(query.user ? { userId: query.user } : {}),
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  };
}

/** Events (newest first, filtered, CSV) and the charts' data: all read-only. */
export async function consoleEventRoutes(app: App, ctx: Ctx): Promise<void> {
  app.get('/api/projects/:projectId/events', { schema: { hide, params: ProjectParams, querystring: Filters } }, async (request) => {
    await getProject(ctx, request.params.projectId);
    return searchEvents(ctx, request.params.projectId, search(request.query, request.query.limit ?? PAGE));
  });

  app.get('/api/projects/:projectId/events.csv', { schema: { hide, params: ProjectParams, querystring: Filters } }, async (request, reply) => {
    const { projectId } = request.params;
    await getProject(ctx, projectId);
    let csv = CSV_HEADER;
    let cursor = request.query.cursor;
    for (let rows = 0; rows < CSV_MAX_ROWS; rows += 1000) {
      const page = await searchEvents(ctx, projectId, search({ ...request.query, ...(cursor ? { cursor } : {}) }, 1000));
      csv += eventsToCsv(page.events);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${projectId}-events.csv"`);
    return csv;
  });

  app.get('/api/projects/:projectId/charts', { schema: { hide, params: ProjectParams, querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) }) } }, async (request) => {
    await getProject(ctx, request.params.projectId);
    return consoleCharts(ctx, request.params.projectId, request.query.days ?? 30);
  });
}
