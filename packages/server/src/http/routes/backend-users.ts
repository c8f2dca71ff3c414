import { Type } from 'typebox';
import { badRequest } from '../../errors/latchkey-error.js';
import { listEvents } from '../../events/list-events.js';
import { PASSKEY_EVENT_TYPES } from '../../events/record-event.js';
import { toPasskey } from '../../passkeys/passkey.js';
import { withIcons } from '../../passkeys/with-icons.js';
import { deleteUserPasskey, listUserCredentials } from '../../passkeys/passkeys.js';
import { renameUserPasskey } from '../../passkeys/rename-passkey.js';
import { updateUser } from '../../users/update-user.js';
import { toUser } from '../../users/user.js';
import { deleteUser, getUser, listUsers } from '../../users/users.js';
import { ID_PATTERNS } from '../../util/ids.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { EmptyObject, errorResponses, Passkey, PasskeyLabel } from '../schemas/common.js';

const tags = ['Backend API: users'];
const security = [{ basicAuth: [] }];
const User = Type.Object({
  userID: Type.String(),
  identifier: Type.String(),
  displayName: Type.String(),
  webauthnId: Type.String({ description: 'the WebAuthn user handle (a UUID)' }),
  createdAt: Type.Integer(),
}, { title: 'User' });
const UserParams = Type.Object({ userID: Type.String({ maxLength: 64 }) });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 }));

export async function backendUserRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        tags,
        security,
        summary: 'Find users by identifier, or page through all users',
        querystring: Type.Object({ identifier: Type.Optional(Type.String({ maxLength: 256 })), cursor: Type.Optional(Type.String({ maxLength: 64 })), limit: Limit }),
        response: { 200: Type.Object({ users: Type.Array(User), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const { identifier, cursor } = request.query;
      if (cursor !== undefined && !ID_PATTERNS.user.test(cursor)) throw badRequest('invalid_cursor', 'cursor is not one this API returned');
      const limit = request.query.limit ?? 100;
      const rows = await listUsers(ctx, projectOf(request).id, {
        limit,
        ...(identifier !== undefined ? { identifier } : {}),
        ...(cursor !== undefined ? { after: cursor } : {}),
      });
      return { users: rows.map(toUser), nextCursor: rows.length === limit ? (rows.at(-1)?.id ?? null) : null };
    },
  );

  app.get(
    '/users/:userID',
    { schema: { operationId: 'getUser', tags, security, summary: 'One user', params: UserParams, response: { 200: User, ...errorResponses(401, 404, 414, 429) } } },
    async (request) => toUser(await getUser(ctx, projectOf(request).id, request.params.userID)),
  );

  app.patch(
    '/users/:userID',
    {
      schema: {
        operationId: 'updateUser',
        tags,
        security,
        summary: 'Change a user’s identifier and/or display name',
        description:
          'The identifier is kept exactly as given (1–256 characters); another user’s identifier answers 409 identifier_taken. An empty displayName falls back to the identifier. Password managers learn the new names on the user’s next visit (the browser SDK calls signalCurrentUserDetails). Audited as user-updated.',
        params: UserParams,
        body: Type.Object({ identifier: Type.Optional(Type.String()), displayName: Type.Optional(Type.String()) }),
        response: { 200: User, ...errorResponses(400, 401, 404, 409, 413, 414, 415, 429) },
      },
    },
    async (request) => toUser(await updateUser(ctx, projectOf(request).id, request.params.userID, request.body)),
  );

  app.delete(
    '/users/:userID',
    {
      schema: { operationId: 'deleteUser', tags, security, summary: 'Delete a user with all their passkeys and connect tokens', params: UserParams, response: { 200: EmptyObject, ...errorResponses(401, 404, 414, 429) } },
    },
    async (request) => {
      await deleteUser(ctx, projectOf(request).id, request.params.userID);
      return {};
    },
  );

  app.get(
    '/users/:userID/passkeys',
    {
      schema: { operationId: 'listUserPasskeys', tags, security, summary: 'A user’s passkeys', params: UserParams, response: { 200: Type.Object({ passkeys: Type.Array(Passkey) }), ...errorResponses(401, 404, 414, 429) } },
    },
    async (request) => {
      const project = projectOf(request);
      const user = await getUser(ctx, project.id, request.params.userID);
      return { passkeys: await withIcons(ctx, (await listUserCredentials(ctx, project.id, user.id)).map(toPasskey)) };
    },
  );

  app.delete(
    '/users/:userID/passkeys/:passkeyId',
    {
      schema: {
        operationId: 'deleteUserPasskey',
        tags,
        security,
        summary: 'Delete one of a user’s passkeys',
        params: Type.Object({ userID: Type.String({ maxLength: 64 }), passkeyId: Type.String({ maxLength: 64 }) }),
        response: { 200: EmptyObject, ...errorResponses(401, 404, 414, 429) },
      },
    },
    async (request) => {
      const project = projectOf(request);
      const user = await getUser(ctx, project.id, request.params.userID);
      await deleteUserPasskey(ctx, project.id, user.id, request.params.passkeyId, { via: 'backend' });
      return {};
    },
  );

  app.patch(
    '/users/:userID/passkeys/:passkeyId',
    {
      schema: {
        operationId: 'renameUserPasskey',
        tags,
        security,
        summary: 'Give one of a user’s passkeys a label',
        description: 'The label is trimmed and must then be 1–64 characters without control characters: 400 invalid_label otherwise. Audited as passkey-renamed.',
        params: Type.Object({ userID: Type.String({ maxLength: 64 }), passkeyId: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ name: PasskeyLabel }),
        response: { 200: Type.Object({ passkey: Passkey }), ...errorResponses(400, 401, 404, 413, 414, 415, 429) },
      },
    },
    async (request) => {
      const project = projectOf(request);
      const user = await getUser(ctx, project.id, request.params.userID);
      const row = await renameUserPasskey(ctx, project.id, user.id, request.params.passkeyId, request.body.name, { via: 'backend' });
      const [passkey] = await withIcons(ctx, [toPasskey(row)]);
      return { passkey: passkey! };
    },
  );

  app.get(
    '/passkeyEvents',
    {
      schema: {
        operationId: 'listPasskeyEvents',
        tags: ['Backend API: audit'],
        security,
        summary: 'The append-only audit trail, oldest first; follow nextCursor for more',
        querystring: Type.Object({ userID: Type.Optional(Type.String({ maxLength: 64 })), cursor: Type.Optional(Type.String({ maxLength: 64 })), limit: Limit }),
        response: {
          200: Type.Object({
            passkeyEvents: Type.Array(
              Type.Object({
                id: Type.String(),
                type: Type.Enum([...PASSKEY_EVENT_TYPES], { title: 'PasskeyEventType' }),
                userID: Type.Union([Type.String(), Type.Null()]),
                credentialID: Type.Union([Type.String(), Type.Null()]),
                processId: Type.Union([Type.String(), Type.Null()]),
                detail: Type.Object({}, { additionalProperties: true }),
                createdAt: Type.Integer(),
              }, { title: 'PasskeyEvent' }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { userID, cursor } = request.query;
      return listEvents(ctx, projectOf(request).id, {
        limit: request.query.limit ?? 100,
        ...(userID !== undefined ? { userId: userID } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
    },
  );
}
