import { Type } from 'typebox';
import { createConnectToken, listConnectTokens, revokeConnectToken } from '../../connect-tokens/connect-tokens.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { EmptyObject, errorResponses } from '../schemas/common.js';

const tags = ['Backend API: connect tokens'];
const security = [{ basicAuth: [] }];
const TokenType = Type.Union([Type.Literal('passkey-append'), Type.Literal('passkey-list'), Type.Literal('passkey-delete'), Type.Literal('passkey-rename')]);
const TokenStatus = Type.Union([Type.Literal('initial'), Type.Literal('consumed'), Type.Literal('revoked'), Type.Literal('expired')]);
const Identifier = Type.String({ minLength: 1, maxLength: 256, description: 'the user’s login identifier as the app knows it' });

export async function backendConnectTokenRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.post(
    '/connectTokens',
    {
      schema: {
        operationId: 'createConnectToken',
        tags,
        security,
        summary: 'Create a single-use connect token for one user and one action (600 s)',
        body: Type.Object({
          type: TokenType,
          data: Type.Object(
            { identifier: Identifier, displayName: Type.Optional(Type.String({ maxLength: 256, description: 'passkey-append only: shown by the authenticator; defaults to the identifier' })) },
            { title: 'ConnectTokenData' },
          ),
        }),
        response: {
          201: Type.Object(
            {
              id: Type.String(),
              secret: Type.String({ description: 'ctk1_…, shown only here: hand it to the page, once' }),
              type: TokenType,
              status: Type.Literal('initial'),
              expires: Type.Integer(),
            },
            { title: 'CreatedConnectToken' },
          ),
          ...errorResponses(400, 401, 404, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const token = await createConnectToken(ctx, projectOf(request).id, request.body.type, request.body.data);
      return reply.code(201).send(token);
    },
  );

  app.get(
    '/connectTokens',
    {
      schema: {
        operationId: 'listConnectTokens',
        tags,
        security,
        summary: 'List a user’s connect tokens (secrets are never shown again)',
        querystring: Type.Object({ identifier: Identifier }),
        response: {
          200: Type.Object({
            connectTokens: Type.Array(
              Type.Object({
                id: Type.String(),
                type: TokenType,
                status: TokenStatus,
                userID: Type.String(),
                createdAt: Type.Integer(),
                expires: Type.Integer(),
              }, { title: 'ConnectToken' }),
            ),
          }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request) => ({ connectTokens: await listConnectTokens(ctx, projectOf(request).id, request.query.identifier) }),
  );

  app.delete(
    '/connectTokens/:id',
    {
      schema: {
        operationId: 'revokeConnectToken',
        tags,
        security,
        summary: 'Revoke a connect token: it stays listed with status revoked, is refused with connect_token_revoked, and an event records it',
        description:
          'Idempotent: revoking a revoked token answers 200 again (and records no second event). A token that was already used cannot be revoked: 409 connect_token_spent.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: EmptyObject, ...errorResponses(400, 401, 404, 409, 414, 429) },
      },
    },
    async (request) => {
      await revokeConnectToken(ctx, projectOf(request).id, request.params.id);
      return {};
    },
  );
}
