import { Type } from 'typebox';
import type { Ctx } from '../../context.js';
import type { App } from '../../http/route-deps.js';
import { auditConsoleAction } from '../audit.js';
import { changeAdminRole } from '../change-admin-role.js';
import { createInvite } from '../invites.js';
import { listAdmins } from '../list-admins.js';
import { removeAdmin } from '../remove-admin.js';
import { requireFreshLogin, requireOwner, type ConsoleProject } from './guard.js';

const hide = true;
const AdminParams = Type.Object({ adminId: Type.String({ maxLength: 64 }) });

/**
 * The console's administrators: everyone reads the list; owners invite, and change a role or remove
 * someone after a fresh passkey login (a demoted or removed owner is as irreversible as a deleted
 * project for the one who did it by mistake). The last owner stays (409 last_owner).
 */
export async function consoleAdminRoutes(app: App, ctx: Ctx, consoleProject: ConsoleProject): Promise<void> {
  const audit = async (request: { consoleSession?: { admin: Parameters<typeof auditConsoleAction>[2] } }, action: string, detail: Record<string, unknown>) =>
    auditConsoleAction(ctx, (await consoleProject.get()).id, request.consoleSession!.admin, action, detail);

  app.get('/api/admins', { schema: { hide } }, async (request) => ({ admins: await listAdmins(ctx), you: request.consoleSession!.admin.id }));

  app.post(
    '/api/admins/invites',
    { schema: { hide, body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }), role: Type.String({ maxLength: 16 }) }) } },
    async (request) => {
      requireOwner(request);
      const invite = await createInvite(ctx, request.body.email, request.body.role);
      await audit(request, 'admin-invited', { email: invite.email, role: invite.role });
      // The Origin was checked against the console's origins (guard.ts): the link leads back here.
      // The secret rides in the fragment: browsers never send it to a server or a proxy log.
      return { link: `${request.headers.origin}/console/#/invite/${invite.token}`, email: invite.email, role: invite.role, expiresAt: invite.expiresAt };
    },
  );

  app.patch('/api/admins/:adminId', { schema: { hide, params: AdminParams, body: Type.Object({ role: Type.String({ maxLength: 16 }) }) } }, async (request) => {
    requireFreshLogin(ctx, request);
    const { admin, from } = await changeAdminRole(ctx, request.params.adminId, request.body.role);
    if (from !== admin.role) await audit(request, 'admin-role-changed', { adminId: admin.id, email: admin.email, from, to: admin.role });
    return { admin };
  });

  app.delete('/api/admins/:adminId', { schema: { hide, params: AdminParams } }, async (request) => {
    requireFreshLogin(ctx, request);
    const removed = await removeAdmin(ctx, (await consoleProject.get()).id, request.params.adminId);
    await audit(request, 'admin-removed', { adminId: removed.id, email: removed.email, role: removed.role });
    return {};
  });
}
