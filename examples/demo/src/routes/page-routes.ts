import type { FastifyInstance } from 'fastify';
import { currentSession } from '../http/request-session.js';
import { accountPage, homePage, loginPage, signupPage } from '../views/pages.js';
import type { RouteDeps } from './deps.js';

export function pageRoutes(app: FastifyInstance, { db, pageConfig }: RouteDeps): void {
  app.get('/', async (request, reply) => reply.type('text/html; charset=utf-8').send(homePage(currentSession(db, request))));

  app.get('/signup', async (request, reply) => {
    if (currentSession(db, request)) return reply.redirect('/account', 303);
    return reply.type('text/html; charset=utf-8').send(signupPage());
  });

  // ?password opens the password form straight away: the "use your password" link works without script.
  app.get<{ Querystring: { loggedOut?: string; expired?: string; password?: string } }>('/login', async (request, reply) => {
    if (currentSession(db, request)) return reply.redirect('/account', 303);
    const { loggedOut, expired, password } = request.query;
    const info = loggedOut !== undefined ? 'You have logged out.' : expired !== undefined ? 'Log in to see your account.' : undefined;
    return reply
      .type('text/html; charset=utf-8')
      .send(loginPage({ latchkey: pageConfig, showPassword: password !== undefined, ...(info ? { info } : {}) }));
  });

  app.get<{ Querystring: { welcome?: string } }>('/account', async (request, reply) => {
    const session = currentSession(db, request);
    if (!session) return reply.redirect('/login?expired', 303);
    return reply.type('text/html; charset=utf-8').send(accountPage({ session, latchkey: pageConfig, welcome: request.query.welcome !== undefined }));
  });
}
