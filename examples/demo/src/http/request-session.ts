import type { FastifyReply, FastifyRequest } from 'fastify';
import { findSession, type Session } from '../sessions/find-session.js';
import { SESSION_COOKIE, sessionCookieOptions, type LoginMethod } from '../sessions/session.js';
import { createSession } from '../sessions/create-session.js';
import { deleteSession } from '../sessions/delete-session.js';
import type { Db } from '../storage/open-database.js';

/** The session the request's cookie points at, if it is live. */
export function currentSession(db: Db, request: FastifyRequest): Session | undefined {
  return findSession(db, request.cookies[SESSION_COOKIE]);
}

/**
 * Starts a session after a successful login (password or passkey — the app does not care which
 * once it has decided), ending the one the browser had: a fresh id on every login, so an id planted
 * before login (session fixation) is worth nothing after it.
 */
export function startSession(db: Db, request: FastifyRequest, reply: FastifyReply, accountId: number, method: LoginMethod): void {
  deleteSession(db, request.cookies[SESSION_COOKIE]);
  const id = createSession(db, accountId, method);
  reply.setCookie(SESSION_COOKIE, id, sessionCookieOptions(request.protocol === 'https'));
}

export function endSession(db: Db, request: FastifyRequest, reply: FastifyReply): void {
  deleteSession(db, request.cookies[SESSION_COOKIE]);
  reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request.protocol === 'https', 0));
}
