import type { FastifyInstance } from 'fastify';
import { checkPassword } from '../accounts/check-password.js';
import { createAccount } from '../accounts/create-account.js';
import { DemoError } from '../errors.js';
import { field } from '../http/form-body.js';
import { endSession, startSession } from '../http/request-session.js';
import { loginPage, signupPage } from '../views/pages.js';
import type { RouteDeps } from './deps.js';

/** The app's own auth, exactly as it was before passkeys: sign up, password login, log out. */
export function passwordRoutes(app: FastifyInstance, { db, pageConfig, reportPasswordLogin }: RouteDeps): void {
  app.post('/signup', async (request, reply) => {
    const email = field(request.body, 'email');
    const displayName = field(request.body, 'displayName');
    try {
      const account = await createAccount(db, { email, displayName, password: field(request.body, 'password') });
      startSession(db, request, reply, account.id, 'signup');
      return reply.redirect('/account?welcome', 303);
    } catch (error) {
      if (!(error instanceof DemoError)) throw error;
      return reply.code(error.status).type('text/html; charset=utf-8').send(signupPage({ email, displayName, error: error.message }));
    }
  });

  app.post('/login', async (request, reply) => {
    const email = field(request.body, 'email');
    try {
      const account = await checkPassword(db, email, field(request.body, 'password'));
      startSession(db, request, reply, account.id, 'password');
      // For Latchkey's adoption report; never in the way of the login (no await, failures logged).
      const device = { deviceId: field(request.body, 'deviceId'), osFamily: field(request.body, 'osFamily'), browserFamily: field(request.body, 'browserFamily') };
      reportPasswordLogin({ identifier: account.email, ...device }).catch((error: unknown) =>
        request.log.warn({ err: error }, 'could not report the password login to Latchkey'),
      );
      return reply.redirect('/account', 303);
    } catch (error) {
      if (!(error instanceof DemoError)) throw error;
      return reply.code(error.status).type('text/html; charset=utf-8').send(loginPage({ latchkey: pageConfig, email, error: error.message, showPassword: true }));
    }
  });

  app.post('/logout', async (request, reply) => {
    endSession(db, request, reply);
    return reply.redirect('/login?loggedOut', 303);
  });
}
