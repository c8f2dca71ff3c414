import { Type } from 'typebox';
import { finishAppend } from '../../ceremonies/append/finish-append.js';
import { initAppend } from '../../ceremonies/append/init-append.js';
import { startAppend } from '../../ceremonies/append/start-append.js';
import { dismissOffer } from '../../adoption/nudges/dismiss-offer.js';
import { projectOf } from '../request-context.js';
import { countCeremony, userAgentOf, type App, type RouteDeps } from '../route-deps.js';
import { AnyObject, ClientInfo, CredentialSignals, DecisionTags, errorResponses, Passkey, ProjectIdHeader, RegistrationResponseJSON } from '../schemas/common.js';

const tags = ['Frontend API: append'];
const security = [{ projectId: [] }];

export async function frontendAppendRoutes(app: App, { ctx, metrics }: RouteDeps): Promise<void> {
  app.post(
    '/append/init',
    {
      schema: {
        operationId: 'appendInit',
        tags,
        security,
        summary: 'Open an append process with a passkey-append connect token (not spent yet)',
        headers: ProjectIdHeader,
        body: Type.Object({ connectToken: Type.String({ maxLength: 128 }), clientInfo: Type.Optional(ClientInfo) }),
        response: {
          200: Type.Object({
            processId: Type.String(),
            expiresAt: Type.Integer(),
            appendAllowed: Type.Boolean({ description: 'should the page offer a passkey now' }),
            decisionTags: DecisionTags,
            conditionalCreate: Type.Boolean({ description: 'the page may register a passkey silently (mediation conditional)' }),
            nextOfferAt: Type.Union([Type.Integer(), Type.Null()], { description: 'end of the back-off after a dismissed offer' }),
          }),
          ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const userAgent = userAgentOf(request.headers);
      return initAppend(ctx, projectOf(request), {
        connectToken: request.body.connectToken,
        clientInfo: request.body.clientInfo,
        ...(userAgent ? { userAgent } : {}),
      });
    },
  );

  app.post(
    '/append/start',
    {
      schema: {
        operationId: 'appendStart',
        tags,
        security,
        summary: 'Creation options for a new passkey (excludeCredentials lists the user’s passkeys)',
        headers: ProjectIdHeader,
        body: Type.Object({
          processId: Type.String({ maxLength: 64 }),
          conditional: Type.Optional(Type.Boolean({ description: 'automatic upgrade; only where append/init said conditionalCreate' })),
        }),
        response: {
          200: Type.Object({ attestationOptions: AnyObject, challengeId: Type.String() }),
          ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429),
        },
      },
    },
    async (request) => startAppend(ctx, projectOf(request), request.body),
  );

  app.post(
    '/append/finish',
    {
      schema: {
        operationId: 'appendFinish',
        tags,
        security,
        summary: 'Verify and store the new passkey; spends the connect token',
        headers: ProjectIdHeader,
        body: Type.Object({ processId: Type.String({ maxLength: 64 }), attestationResponse: RegistrationResponseJSON }),
        response: { 200: Type.Object({ passkey: Passkey, signals: CredentialSignals }), ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 422, 429) },
      },
    },
    async (request) => {
      const userAgent = userAgentOf(request.headers);
      return countCeremony(
        metrics,
        'append',
        finishAppend(ctx, projectOf(request), {
          processId: request.body.processId,
          attestationResponse: request.body.attestationResponse as Parameters<typeof finishAppend>[2]['attestationResponse'],
          ...(userAgent ? { userAgent } : {}),
        }),
      );
    },
  );

  app.post(
    '/append/dismiss',
    {
      schema: {
        operationId: 'appendDismiss',
        tags,
        security,
        summary: 'The user declined the passkey offer: back off for this user and device',
        headers: ProjectIdHeader,
        body: Type.Object({ processId: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ nextOfferAt: Type.Integer() }), ...errorResponses(400, 403, 404, 409, 410, 413, 415, 429) },
      },
    },
    async (request) => dismissOffer(ctx, projectOf(request), request.body),
  );
}
