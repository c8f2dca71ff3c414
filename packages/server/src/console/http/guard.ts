import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.js';
import { forbidden, unauthorized, unavailable } from '../../errors/latchkey-error.js';
import { getProject } from '../../projects/get-project.js';
import type { Project } from '../../projects/project.js';
import { nowSeconds } from '../../util/clock.js';
import { findConsoleProjectId } from '../console-project.js';
import { csrfTokenMatches, findSession, REAUTH_WINDOW, type ConsoleSession } from '../sessions.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: ConsoleSession;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The console's project, looked up once it exists (a server creates it at start). */
export class ConsoleProject {
  private id: string | undefined;
  constructor(private readonly ctx: Ctx) {}
  async get(): Promise<Project> {
    this.id ??= await findConsoleProjectId(this.ctx);
    if (!this.id) throw unavailable('console_not_ready', 'the console has no project yet: start the server with `latchkey serve`');
    return getProject(this.ctx, this.id);
  }
}

/**
 * Every change must come from the console's own page: its Origin is one of the console project's
 * origins (a cross-site form post carries another, or none), and it carries the session's CSRF
 * token in X-CSRF-Token (no other site can read it). SameSite=Strict already keeps the cookie off
 * cross-site requests; these two checks hold even where that does not (an old browser, a
 * same-site subdomain under someone else's control).
 */
export async function checkOrigin(request: FastifyRequest, consoleProject: ConsoleProject): Promise<void> {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  const project = await consoleProject.get();
  if (typeof origin !== 'string' || !project.origins.includes(origin)) {
    throw forbidden('csrf_refused', `changes must come from the console's own page (${project.origins.join(', ')}), not from ${origin ?? 'a request without an Origin'}`);
  }
}

/** The session of the request's cookie, or 401 session_required (the page then shows the passkey login). */
export async function requireSession(ctx: Ctx, request: FastifyRequest): Promise<ConsoleSession> {
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  const session = cookie ? await findSession(ctx, cookie) : undefined;
  if (!session) throw unauthorized('session_required', 'your console session has ended: sign in again with your passkey');
  if (!SAFE_METHODS.has(request.method)) {
    const header = request.headers['x-csrf-token'];
    if (!csrfTokenMatches(session.csrfToken, typeof header === 'string' ? header : undefined)) {
      throw forbidden('csrf_refused', 'the request did not carry this session\'s CSRF token (X-CSRF-Token): reload the console');
    }
  }
  request.consoleSession = session;
  return session;
}

/** Changes are for owners; a viewer gets a 403 that says so. */
export function requireOwner(request: FastifyRequest): ConsoleSession {
  const session = request.consoleSession!;
  if (session.admin.role !== 'owner') {
    throw forbidden('forbidden_role', `${session.admin.email} is a viewer: viewers can look but not change anything; ask an owner`);
  }
  return session;
}

/** Destructive actions also need a passkey login in the last REAUTH_WINDOW seconds. */
export function requireFreshLogin(ctx: Ctx, request: FastifyRequest): ConsoleSession {
  const session = requireOwner(request);
  if (nowSeconds(ctx.clock) - session.authenticatedAt > REAUTH_WINDOW) {
    throw forbidden('reauth_required', 'confirm it is you: sign in with your passkey again to do this');
  }
  return session;
}

export type Reply = FastifyReply;
