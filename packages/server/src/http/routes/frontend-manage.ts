import { Type } from 'typebox';
import { redeemableConnectToken, spendConnectToken } from '../../connect-tokens/connect-tokens.js';
import { toPasskey } from '../../passkeys/passkey.js';
import { deleteUserPasskey, listUserCredentials } from '../../passkeys/passkeys.js';
import { inTransaction } from '../../store/in-transaction.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { EmptyObject, errorResponses, Passkey, ProjectIdHeader } from '../schemas/common.js';

const tags = ['Frontend API: manage'];
const security = [{ projectId: [] }];

export async function frontendManageRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.post(
    '/manage/list',
    {
      schema: {
        operationId: 'manageList',
        tags,
        security,
        summary: 'List the user’s passkeys with a passkey-list connect token (spends it)',
        headers: ProjectIdHeader,
        body: Type.Object({ connectToken: Type.String({ maxLength: 128 }) }),
        response: { 200: Type.Object({ passkeys: Type.Array(Passkey) }), ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429) },
      },
    },
    async (request) => {
      const project = projectOf(request);
      const token = await redeemableConnectToken(ctx, project.id, request.body.connectToken, 'passkey-list');
      await spendConnectToken(ctx, project.id, token.id);
      return { passkeys: (await listUserCredentials(ctx, project.id, token.user_id)).map(toPasskey) };
    },
  );

  app.post(
    '/manage/delete',
    {
      schema: {
        operationId: 'manageDelete',
        tags,
        security,
        summary: 'Delete one of the user’s passkeys with a passkey-delete connect token (spent on success)',
        headers: ProjectIdHeader,
        body: Type.Object({ connectToken: Type.String({ maxLength: 128 }), passkeyId: Type.String({ maxLength: 64 }) }),
        response: { 200: EmptyObject, ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429) },
      },
    },
    async (request) => {
      const project = projectOf(request);
      const token = await redeemableConnectToken(ctx, project.id, request.body.connectToken, 'passkey-delete');
      // Deleting and spending share one transaction: an unknown passkey leaves the token usable.
      await inTransaction(ctx, async (txCtx) => {
        await deleteUserPasskey(txCtx, project.id, token.user_id, request.body.passkeyId, { via: 'frontend' });
        await spendConnectToken(txCtx, project.id, token.id);
      });
      return {};
    },
  );
}
