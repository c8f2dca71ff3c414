import { errors, jwtVerify } from 'jose';
import { digestsEqual, hashApiSecret } from '../../src/secrets/secret-hash.js';
import type { BaselineApp } from './server.js';

/**
 * POST /v2/passkey/verifySignedData, as Latchkey answers it: Basic auth against the hashed API
 * secret (Latchkey's own HMAC-SHA-256 and constant-time compare), RS256 check, then single use as
 * one INSERT on the jti's unique key, with the event row in the same transaction.
 */
const REQUIRED = ['iss', 'sub', 'exp', 'nbf', 'iat', 'jti', 'processId', 'username', 'credential', 'challengeId', 'webauthnId', 'isCUI'];

export function verifyRoute({ app, store, project, signingKey }: BaselineApp): void {
  const { db, s } = store;

  function authenticated(header: string | undefined): boolean {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const row = s.secret.get(decoded.slice(0, colon));
    return row !== undefined && digestsEqual(hashApiSecret(row.salt, decoded.slice(colon + 1)), row.hash);
  }

  const spend = db.transaction((jti: string, sub: string, exp: number, credential: string, processId: string) => {
    const now = Math.floor(Date.now() / 1000);
    if (s.spendToken.run(jti, sub, now, exp).changes !== 1) return false;
    s.event.run('token-verified', sub, credential, processId, JSON.stringify({ jti }), now);
    return true;
  });

  app.post<{ Body: { signedPasskeyData: string; username?: string } }>(
    '/v2/passkey/verifySignedData',
    { schema: { body: { type: 'object', required: ['signedPasskeyData'], properties: { signedPasskeyData: { type: 'string', maxLength: 16384 }, username: { type: 'string' } } } } },
    async (request, reply) => {
      if (!authenticated(request.headers.authorization)) {
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'bad credentials' } });
      }
      const refused = (verificationResult: string) => {
        s.event.run('token-refused', null, null, null, JSON.stringify({ result: verificationResult }), Math.floor(Date.now() / 1000));
        return { verificationResult, userID: '', username: '' };
      };
      let claims: Record<string, any>;
      try {
        ({ payload: claims } = await jwtVerify(request.body.signedPasskeyData, signingKey.publicKey, {
          algorithms: ['RS256'], typ: 'JWT', issuer: project.id, requiredClaims: REQUIRED, clockTolerance: 0,
        }));
      } catch (error) {
        return refused(error instanceof errors.JWTExpired ? 'expired' : 'invalidSignature');
      }
      if (request.body.username !== undefined && request.body.username !== claims.username) return refused('usernameMismatch');
      if (!spend(claims.jti, claims.sub, claims.exp, claims.credential, claims.processId)) return refused('alreadyUsed');
      return { verificationResult: 'success', userID: claims.sub as string, username: claims.username as string };
    },
  );
}
