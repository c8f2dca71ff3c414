import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.js';
import { badRequest, notFound } from '../errors/latchkey-error.js';
import { webOrigins } from '../projects/accepted-origins.js';
import { findServedProject } from '../projects/get-project.js';
import { originRefused } from '../projects/origin-refusal.js';
import type { Project } from '../projects/project.js';
import type { KnownOrigins } from './known-origins.js';

const resolved = Symbol('latchkey.resolvedProject');
type WithResolved = FastifyRequest & { [resolved]?: Project | null };

async function resolveProject(ctx: Ctx, request: WithResolved): Promise<Project | null> {
  if (request[resolved] === undefined) {
    const header = request.headers['x-project-id'];
    request[resolved] = typeof header === 'string' ? ((await findServedProject(ctx, header)) ?? null) : null;
  }
  return request[resolved];
}

/**
 * The Frontend API's guard: CORS exactly for the named project's origins, and the project itself
 * (X-Project-ID) resolved for the routes. A browser request from an origin the project does not
 * list is refused outright (403), not just left without CORS headers.
 */
export async function guardFrontendScope(app: FastifyInstance, ctx: Ctx, knownOrigins: KnownOrigins): Promise<void> {
  await app.register(cors, {
    delegator: async (request: FastifyRequest) => {
      const origin = request.headers.origin;
      let allowed = false;
      if (origin) {
        const project = request.method === 'OPTIONS' ? null : await resolveProject(ctx, request);
        // Preflights name no project; unknown projects still get readable errors on known origins.
        allowed = project ? webOrigins(project).includes(origin) : await knownOrigins.has(origin);
      }
      return {
        origin: allowed ? origin : false,
        methods: ['POST'],
        allowedHeaders: ['Content-Type', 'X-Project-ID'],
        exposedHeaders: ['X-Request-ID', 'Retry-After'],
        maxAge: 600,
      };
    },
  });

  // A preflight the CORS hook did not answer comes from an origin no project lists (or is no CORS
  // preflight at all). Answered here, in the contract's error shape, rather than falling through to
  // @fastify/cors's catch-all OPTIONS route and its 404 route_not_found: the 403 names the origin, so
  // an operator reading the browser's network panel or a curl trace knows what to allow. It carries
  // no Access-Control-Allow-Origin (the spec: CORS only for configured origins), so the browser
  // still refuses the request; the page learns why from GET /v2/projects/{id}/origin-check.
  // A callback hook (see refuseWhileClosing): every Frontend API request passes it.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method !== 'OPTIONS') return done();
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === '') return done(badRequest('origin_missing', 'a CORS preflight needs an Origin header'));
    done(originRefused(origin));
  });

  // preValidation: after the rate limiter (a route hook on onRequest), before body validation, so
  // a request for the wrong project or origin learns nothing about its body.
  app.addHook('preValidation', async (request) => {
    // Preflights are answered by the CORS hook above; one it refused ends without CORS headers.
    if (request.method === 'OPTIONS') return;
    const header = request.headers['x-project-id'];
    if (typeof header !== 'string' || header === '') throw badRequest('project_id_missing', 'the X-Project-ID header is required');
    const project = await resolveProject(ctx, request);
    if (!project) throw notFound('project_not_found', `no project ${header}`);
    // No Origin header: not a browser page (a native app, a server). Nothing to check here; the
    // WebAuthn response's own origin (clientDataJSON) is what admits or refuses its ceremony.
    const origin = request.headers.origin;
    if (origin !== undefined && !webOrigins(project).includes(origin)) {
      throw originRefused(origin, project.id);
    }
    request.project = project;
  });
}
