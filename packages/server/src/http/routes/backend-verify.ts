import { Type } from 'typebox';
import { verifySignedPasskeyData } from '../../signed-data/verify-signed-data.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas/common.js';

/**
 * `POST /v2/passkey/verifySignedData`, and its alias `POST /v2/passkeys/verifySignedData` (plural,
 * as some integration guides write it): one handler, one schema, one auth and rate-limit scope,
 * one verification counter. Only the OpenAPI operation id and the metrics' route label differ.
 */
export async function backendVerifyRoutes(app: App, deps: RouteDeps): Promise<void> {
  verifyRoute(app, deps, '/passkey/verifySignedData', {
    operationId: 'verifySignedData',
    summary: 'Verify signedPasskeyData once; only `success` may start the app’s session',
  });
  verifyRoute(app, deps, '/passkeys/verifySignedData', {
    operationId: 'verifySignedDataAlias',
    summary: 'Alias of POST /v2/passkey/verifySignedData',
    description: 'Alias of `POST /v2/passkey/verifySignedData` (plural path, as some integration guides write it): the same request, answers, authentication and limits.',
  });
}

function verifyRoute(app: App, { ctx, metrics }: RouteDeps, path: string, doc: { operationId: string; summary: string; description?: string }): void {
  app.post(
    path,
    {
      schema: {
        ...doc,
        tags: ['Backend API'],
        security: [{ basicAuth: [] }],
        body: Type.Object({
          signedPasskeyData: Type.String({ maxLength: 16384 }),
          username: Type.Optional(Type.String({ maxLength: 256, description: 'when given, must equal the token’s username' })),
        }),
        response: {
          200: Type.Object({
            verificationResult: Type.Union([
              Type.Literal('success'),
              Type.Literal('invalidSignature'),
              Type.Literal('expired'),
              Type.Literal('alreadyUsed'),
              Type.Literal('usernameMismatch'),
              Type.Literal('projectMismatch'),
            ], { title: 'VerificationResult' }),
            userID: Type.String({ description: 'usr-…, on success only (empty otherwise)' }),
            username: Type.String({ description: 'on success only (empty otherwise)' }),
          }, { title: 'VerifySignedDataResult' }),
          ...errorResponses(400, 401, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const answer = await verifySignedPasskeyData(ctx, projectOf(request).id, request.body.signedPasskeyData, request.body.username);
      metrics.verifications.inc({ result: answer.verificationResult });
      return answer;
    },
  );
}
