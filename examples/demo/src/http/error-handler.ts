import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DemoError } from '../errors.js';
import { currentSession } from './request-session.js';
import type { Db } from '../storage/open-database.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';
import { notFoundPage } from '../views/pages.js';

/**
 * API routes (/api/…) answer `{error: {code, message}}`; pages answer a page. A fault of the app's
 * own is logged with its stack and shown as a plain apology, never as a stack trace.
 */
export function installErrorHandling(app: FastifyInstance, db: Db): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DemoError) {
      if (error.status >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      return send(request, reply, error.status, error.code, error.message);
    }
    if (error.validation) return send(request, reply, 400, 'invalid_request', `The request is not valid: ${error.message}`);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(request, reply, error.statusCode, 'invalid_request', error.message);
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(request, reply, 500, 'internal_error', 'Something went wrong on our side. Please try again.');
  });

  app.setNotFoundHandler((request, reply) => {
    if (isApi(request)) return send(request, reply, 404, 'invalid_request', 'No such API route.');
    return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage(currentSession(db, request)));
  });
}

const isApi = (request: FastifyRequest): boolean => request.url.startsWith('/api/');

function send(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  reply.code(status);
  if (isApi(request)) return reply.send({ error: { code, message } });
  const body = html`<h1>Sorry</h1><p class="notice error" role="alert">${message}</p><p><a href="/">Back to the start</a></p>`;
  return reply.type('text/html; charset=utf-8').send(layout({ title: 'Error', body }));
}
