import { Type } from 'typebox';
import type { Ctx } from '../../context.js';
import { forbidden } from '../../errors/latchkey-error.js';
import type { App } from '../../http/route-deps.js';
import { auditConsoleAction } from '../audit.js';
import { redeemInvite } from '../invites.js';
import { loginAdmin } from '../login-admin.js';
import { ABSOLUTE_TIMEOUT, createSession, endSession, markReauthenticated, REAUTH_WINDOW } from '../sessions.js';
import { sessionCookie } from './cookies.js';
import { requireSession, type ConsoleProject } from './guard.js';

const hide = true;
const SignedData = Type.Object({ signedPasskeyData: Type.String({ minLength: 1, maxLength: 16384 }) });

/** Bootstrap (invite), passkey login, re-authentication and logout. */
export async function consoleAuthRoutes(app: App, ctx: Ctx, consoleProject: ConsoleProject): Promise<void> {
  const secure = async () => (await consoleProject.get()).origins.every((origin) => origin.startsWith('https:'));

  // What the page needs before anyone is signed in: which project its passkeys belong to.
  app.get('/api/config', { schema: { hide } }, async () => ({ projectId: (await consoleProject.get()).id }));

  app.post('/api/invites/redeem', { schema: { hide, body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) }) } }, async (request) => {
    const project = await consoleProject.get();
    const redeemed = await redeemInvite(ctx, project.id, request.body.token);
    return { projectId: project.id, identifier: redeemed.email, role: redeemed.role, connectToken: redeemed.connectToken };
  });

  app.post('/api/session', { schema: { hide, body: SignedData } }, async (request, reply) => {
    const project = await consoleProject.get();
    const admin = await loginAdmin(ctx, project.id, request.body.signedPasskeyData);
    const { cookieValue, csrfToken } = await createSession(ctx, admin.id);
    await auditConsoleAction(ctx, project.id, admin, 'login');
    reply.header('set-cookie', sessionCookie(cookieValue, { secure: await secure(), maxAge: ABSOLUTE_TIMEOUT }));
    return { admin: { email: admin.email, role: admin.role }, csrfToken, reauthUntil: ctx.clock.nowMs() / 1000 + REAUTH_WINDOW };
  });

  app.get('/api/session', { schema: { hide } }, async (request) => {
    const session = await requireSession(ctx, request);
    return { admin: { email: session.admin.email, role: session.admin.role }, csrfToken: session.csrfToken, reauthUntil: session.authenticatedAt + REAUTH_WINDOW };
  });

  app.post('/api/session/reauth', { schema: { hide, body: SignedData } }, async (request) => {
    const session = await requireSession(ctx, request);
    const project = await consoleProject.get();
    const admin = await loginAdmin(ctx, project.id, request.body.signedPasskeyData);
    // A passkey of another administrator does not vouch for this session's.
    if (admin.id !== session.admin.id) throw forbidden('reauth_mismatch', `sign in as ${session.admin.email} to confirm`);
    const at = await markReauthenticated(ctx, session.idHash);
    await auditConsoleAction(ctx, project.id, admin, 'reauthenticate');
    return { reauthUntil: at + REAUTH_WINDOW };
  });

  app.delete('/api/session', { schema: { hide } }, async (request, reply) => {
    const session = await requireSession(ctx, request);
    await endSession(ctx, session.idHash);
    await auditConsoleAction(ctx, (await consoleProject.get()).id, session.admin, 'logout');
    reply.header('set-cookie', sessionCookie('', { secure: await secure(), maxAge: 0 }));
    return {};
  });
}
