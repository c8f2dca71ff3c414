import { Type } from 'typebox';
import type { Ctx } from '../../context.js';
import { badRequest } from '../../errors/latchkey-error.js';
import type { App } from '../../http/route-deps.js';
import { toPasskey } from '../../passkeys/passkey.js';
import { withIcons } from '../../passkeys/with-icons.js';
import { deleteUserPasskey, listUserCredentials } from '../../passkeys/passkeys.js';
import { getProject } from '../../projects/get-project.js';
import { toUser } from '../../users/user.js';
import { searchUsersByPrefix } from '../../users/search-users.js';
import { deleteUser, getUser, listUsers } from '../../users/users.js';
import { ID_PATTERNS } from '../../util/ids.js';
import { auditConsoleAction } from '../audit.js';
import { requireFreshLogin, type ConsoleProject } from './guard.js';

const hide = true;
const UserParams = Type.Object({ projectId: Type.String({ maxLength: 64 }), userId: Type.String({ maxLength: 64 }) });
/** Exported for the tests that page across it. */
export const USERS_PAGE = 50;
const PAGE = USERS_PAGE;

/** Users by identifier, by identifier prefix, or page by page (cursor = last user id or identifier), their passkeys, and deleting either. */
export async function consoleUserRoutes(app: App, ctx: Ctx, consoleProject: ConsoleProject): Promise<void> {
  const audit = async (request: { consoleSession?: { admin: Parameters<typeof auditConsoleAction>[2] } }, action: string, detail: Record<string, unknown>) =>
    auditConsoleAction(ctx, (await consoleProject.get()).id, request.consoleSession!.admin, action, detail);

  app.get(
    '/api/projects/:projectId/users',
    {
      schema: {
        hide,
        params: Type.Object({ projectId: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({
          identifier: Type.Optional(Type.String({ maxLength: 256 })),
          // Identifiers starting with it, in identifier order; the cursor is then the page's last identifier.
          prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          cursor: Type.Optional(Type.String({ maxLength: 1500 })),
        }),
      },
    },
    async (request) => {
      const { projectId } = request.params;
      await getProject(ctx, projectId);
      const { identifier, prefix, cursor } = request.query;
      if (prefix !== undefined) {
        const page = await searchUsersByPrefix(ctx, projectId, { prefix, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) });
        return { users: page.users.map(toUser), nextCursor: page.nextCursor };
      }
      if (cursor !== undefined && !ID_PATTERNS.user.test(cursor)) throw badRequest('invalid_cursor', 'cursor is not one this API returned');
      const rows = await listUsers(ctx, projectId, { limit: PAGE, ...(identifier ? { identifier } : {}), ...(cursor ? { after: cursor } : {}) });
      return { users: rows.map(toUser), nextCursor: rows.length === PAGE ? (rows.at(-1)?.id ?? null) : null };
    },
  );

  app.get('/api/projects/:projectId/users/:userId/passkeys', { schema: { hide, params: UserParams } }, async (request) => {
    const { projectId, userId } = request.params;
    const user = await getUser(ctx, projectId, userId);
    return { user: toUser(user), passkeys: await withIcons(ctx, (await listUserCredentials(ctx, projectId, userId)).map(toPasskey)) };
  });

  app.delete('/api/projects/:projectId/users/:userId/passkeys/:passkeyId', { schema: { hide, params: Type.Object({ ...UserParams.properties, passkeyId: Type.String({ maxLength: 64 }) }) } }, async (request) => {
    requireFreshLogin(ctx, request);
    const { projectId, userId, passkeyId } = request.params;
    await getUser(ctx, projectId, userId);
    await deleteUserPasskey(ctx, projectId, userId, passkeyId, { via: 'backend' });
    await audit(request, 'passkey-deleted', { projectId, userId, passkeyId });
    return {};
  });

  app.delete('/api/projects/:projectId/users/:userId', { schema: { hide, params: UserParams } }, async (request) => {
    requireFreshLogin(ctx, request);
    const { projectId, userId } = request.params;
    await deleteUser(ctx, projectId, userId);
    await audit(request, 'user-deleted', { projectId, userId });
    return {};
  });
}
