import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { currentSession } from '../http/request-session.js';
import { accountPage, homePage, loginPage, signupPage } from '../views/pages.js';
import type { LatchkeyClient } from '../latchkey/latchkey-client.js';
import type { RouteDeps } from './deps.js';

export function pageRoutes(app: FastifyInstance, { db, latchkey, pageConfig }: RouteDeps): void {
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
    const knownToLatchkey = await isKnownToLatchkey(latchkey, session.account.email, request.log);
    return reply.type('text/html; charset=utf-8').send(accountPage({ session, latchkey: pageConfig, welcome: request.query.welcome !== undefined, knownToLatchkey }));
  });
}

/**
 * Whether Latchkey has a user for this account yet (it makes one with the first passkey-append
 * connect token). Until then there is nothing to list: Latchkey refuses a passkey-list token for an
 * unknown identifier (404 user_not_found), and <latchkey-passkey-list> would show that as an error.
 * TODO(sdk): a tokenProvider cannot tell <latchkey-passkey-list> "this user has no passkeys yet";
 * the page arms the list only once the user exists (public/account.js). If Latchkey cannot be
 * asked, the list is armed anyway and shows its own error.
 */
async function isKnownToLatchkey(latchkey: LatchkeyClient, email: string, log: FastifyBaseLogger): Promise<boolean> {
  try {
    return (await latchkey.users.findByIdentifier(email)) !== null;
  } catch (error) {
    log.warn({ err: error }, 'could not ask Latchkey about the user');
    return true;
  }
}
