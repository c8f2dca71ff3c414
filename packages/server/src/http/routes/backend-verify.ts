import { Type } from 'typebox';
import { verifySignedPasskeyData } from '../../signed-data/verify-signed-data.js';
import { projectOf } from '../request-context.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas/common.js';

export async function backendVerifyRoutes(app: App, { ctx, metrics }: RouteDeps): Promise<void> {
  app.post(
    '/passkey/verifySignedData',
    {
      schema: {
        operationId: 'verifySignedData',
        tags: ['Backend API'],
        security: [{ basicAuth: [] }],
        summary: 'Verify signedPasskeyData once; only `success` may start the app’s session',
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
