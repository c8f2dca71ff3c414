import { Type } from 'typebox';
import { redeemableConnectToken, spendConnectToken } from '../../connect-tokens/connect-tokens.js';
import type { Ctx } from '../../context.js';
import { credentialSignals } from '../../passkeys/credential-signals.js';
import { toPasskey } from '../../passkeys/passkey.js';
import { withIcons } from '../../passkeys/with-icons.js';
import { deleteUserPasskey, listUserCredentials } from '../../passkeys/passkeys.js';
import { renameUserPasskey } from '../../passkeys/rename-passkey.js';
import type { Project } from '../../projects/project.js';
import { inTransaction } from '../../store/in-transaction.js';
import { getUser } from '../../users/users.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { CredentialSignals, errorResponses, Passkey, PasskeyLabel, ProjectIdHeader } from '../schemas/common.js';

const tags = ['Frontend API: manage'];
const security = [{ projectId: [] }];

/** The user's current names and accepted passkeys, for the browser's Signal API calls. */
async function signalsFor(ctx: Ctx, project: Project, userId: string) {
  const [user, credentials] = await Promise.all([getUser(ctx, project.id, userId), listUserCredentials(ctx, project.id, userId)]);
  return { credentials, signals: credentialSignals(project, user, credentials) };
}

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
        response: { 200: Type.Object({ passkeys: Type.Array(Passkey), signals: CredentialSignals }), ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429) },
      },
    },
    async (request) => {
      const project = projectOf(request);
      const token = await redeemableConnectToken(ctx, project.id, request.body.connectToken, 'passkey-list');
      await spendConnectToken(ctx, project.id, token.id);
      const { credentials, signals } = await signalsFor(ctx, project, token.user_id);
      return { passkeys: await withIcons(ctx, credentials.map(toPasskey)), signals };
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
        description: '`signals` lists the passkeys that remain, for signalAllAcceptedCredentials.',
        headers: ProjectIdHeader,
        body: Type.Object({ connectToken: Type.String({ maxLength: 128 }), passkeyId: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ signals: CredentialSignals }), ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429) },
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
      return { signals: (await signalsFor(ctx, project, token.user_id)).signals };
    },
  );

  app.post(
    '/manage/rename',
    {
      schema: {
        operationId: 'manageRename',
        tags,
        security,
        summary: 'Give one of the user’s passkeys a label with a passkey-rename connect token (spent on success)',
        description: 'The label is trimmed and must then be 1–64 characters without control characters: 400 invalid_label otherwise (the token stays usable).',
        headers: ProjectIdHeader,
        body: Type.Object({ connectToken: Type.String({ maxLength: 128 }), passkeyId: Type.String({ maxLength: 64 }), name: PasskeyLabel }),
        response: { 200: Type.Object({ passkey: Passkey }), ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429) },
      },
    },
    async (request) => {
      const project = projectOf(request);
      const token = await redeemableConnectToken(ctx, project.id, request.body.connectToken, 'passkey-rename');
      const row = await inTransaction(ctx, async (txCtx) => {
        const renamed = await renameUserPasskey(txCtx, project.id, token.user_id, request.body.passkeyId, request.body.name, { via: 'frontend' });
        await spendConnectToken(txCtx, project.id, token.id);
        return renamed;
      });
      const [passkey] = await withIcons(ctx, [toPasskey(row)]);
      return { passkey: passkey! };
    },
  );
}
