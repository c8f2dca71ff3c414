import { Type } from 'typebox';
import { finishLogin } from '../../ceremonies/login/finish-login.js';
import { initLogin } from '../../ceremonies/login/init-login.js';
import { startLogin } from '../../ceremonies/login/start-login.js';
import { projectOf } from '../request-context.js';
import { countCeremony, userAgentOf, type App, type RouteDeps } from '../route-deps.js';
import { AnyObject, ClientInfo, AuthenticationResponseJSON, CredentialSignals, DecisionTags, errorResponses, ProjectIdHeader } from '../schemas/common.js';

const tags = ['Frontend API: login'];
const security = [{ projectId: [] }];

export async function frontendLoginRoutes(app: App, { ctx, metrics }: RouteDeps): Promise<void> {
  app.post(
    '/login/init',
    {
      // The body is optional: a page may POST nothing at all to open a login.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        operationId: 'loginInit',
        tags,
        security,
        summary: 'Open a login process; returns the Conditional UI (autofill) challenge',
        headers: ProjectIdHeader,
        body: Type.Object({ clientInfo: Type.Optional(ClientInfo) }),
        response: {
          200: Type.Object({
            processId: Type.String(),
            expiresAt: Type.Integer(),
            loginAllowed: Type.Boolean(),
            decisionTags: DecisionTags,
            oneTap: Type.Boolean({ description: 'the project lets the browser remember the last account' }),
            conditionalUIChallenge: AnyObject,
          }),
          ...errorResponses(400, 403, 404, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const userAgent = userAgentOf(request.headers);
      return initLogin(ctx, projectOf(request), { clientInfo: request.body.clientInfo, ...(userAgent ? { userAgent } : {}) });
    },
  );

  app.post(
    '/login/start',
    {
      schema: {
        operationId: 'loginStart',
        tags,
        security,
        summary: 'Identifier-first login: request options for the user’s passkeys, or noPasskey',
        headers: ProjectIdHeader,
        body: Type.Object({
          processId: Type.String({ maxLength: 64 }),
          identifier: Type.String({ minLength: 1, maxLength: 256 }),
          method: Type.Optional(Type.Union([Type.Literal('identifier'), Type.Literal('one-tap')], { description: 'recorded for the report' })),
        }),
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('ok'), Type.Literal('noPasskey')]),
            assertionOptions: Type.Optional(AnyObject),
            challengeId: Type.Optional(Type.String()),
            decisionTags: DecisionTags,
          }),
          ...errorResponses(400, 403, 404, 409, 410, 413, 415, 429),
        },
      },
    },
    async (request) => startLogin(ctx, projectOf(request), request.body),
  );

  app.post(
    '/login/finish',
    {
      schema: {
        operationId: 'loginFinish',
        tags,
        security,
        summary: 'Verify the assertion; returns signedPasskeyData for the app’s backend',
        headers: ProjectIdHeader,
        body: Type.Object({
          processId: Type.String({ maxLength: 64 }),
          assertionResponse: AuthenticationResponseJSON,
          isConditionalUI: Type.Optional(Type.Boolean({ default: false })),
        }),
        response: {
          200: Type.Object({
            signedPasskeyData: Type.String(),
            passkeyOperation: Type.Object({ identifier: Type.String(), credentialId: Type.String(), userId: Type.String() }),
            signals: CredentialSignals,
          }),
          ...errorResponses(400, 403, 404, 409, 410, 413, 415, 422, 429),
        },
      },
    },
    async (request) =>
      countCeremony(
        metrics,
        'login',
        finishLogin(ctx, projectOf(request), {
          processId: request.body.processId,
          assertionResponse: request.body.assertionResponse as Parameters<typeof finishLogin>[2]['assertionResponse'],
          isConditionalUI: request.body.isConditionalUI ?? false,
        }),
      ),
  );
}
