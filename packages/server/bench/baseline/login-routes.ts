import { randomBytes } from 'node:crypto';
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { SignJWT } from 'jose';
import type { BaselineApp } from './server.js';

/**
 * init → start → finish, in Latchkey's HTTP shapes (/v2/connect/login/*, X-Project-ID, Origin), so
 * that one load driver runs against both servers. The security work is Latchkey's: every challenge
 * stored and spent once, the process bound to the user, the user handle and counter checked, an
 * RS256 token with a fresh jti, an event row per outcome.
 */
const PROCESS_TTL = 600;
const CHALLENGE_TTL = 300;
const id = () => randomBytes(16).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

export function loginRoutes({ app, store, project, signingKey }: BaselineApp): void {
  const { db, s } = store;
  const refuse = (status: number, code: string) => Object.assign(new Error(code), { statusCode: status, code });

  app.addHook('preHandler', async (request) => {
    if (!request.url.startsWith('/v2/connect/')) return;
    if (request.headers['x-project-id'] !== project.id) throw refuse(404, 'project_not_found');
    if (!project.origins.includes(String(request.headers.origin))) throw refuse(403, 'origin_not_allowed');
  });

  app.post('/v2/connect/login/init', async () => {
    const processId = id();
    const expiresAt = now() + PROCESS_TTL;
    s.putProcess.run(processId, expiresAt);
    const bytes = randomBytes(32);
    s.putChallenge.run(id(), processId, 'login-cui', bytes.toString('base64url'), null, expiresAt);
    const options = await generateAuthenticationOptions({ rpID: project.rpId, challenge: bytes, allowCredentials: [], userVerification: 'required', timeout: 300_000 });
    return { processId, expiresAt, conditionalUIChallenge: options };
  });

  app.post<{ Body: { processId: string; identifier: string } }>(
    '/v2/connect/login/start',
    { schema: { body: { type: 'object', required: ['processId', 'identifier'], properties: { processId: { type: 'string', maxLength: 64 }, identifier: { type: 'string', minLength: 1, maxLength: 256 } } } } },
    async (request) => {
      const process = s.openProcess.get(request.body.processId, now());
      if (!process) throw refuse(404, 'process_not_found');
      const user = s.userByIdentifier.get(request.body.identifier);
      const credentials = user ? s.credentialsOf.all(user.id) : [];
      if (!user || credentials.length === 0) {
        s.event.run('login-failed', user?.id ?? null, null, process.id, '{"reason":"no_passkey"}', now());
        return { status: 'noPasskey' };
      }
      const bytes = randomBytes(32);
      const challengeId = id();
      db.transaction(() => {
        s.putChallenge.run(challengeId, process.id, 'login', bytes.toString('base64url'), user.id, now() + CHALLENGE_TTL);
        s.setProcessUser.run(user.id, process.id);
      })();
      const assertionOptions = await generateAuthenticationOptions({
        rpID: project.rpId,
        challenge: bytes,
        allowCredentials: credentials.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as [] })),
        userVerification: 'required',
        timeout: 300_000,
      });
      return { status: 'ok', assertionOptions, challengeId };
    },
  );

  app.post<{ Body: { processId: string; assertionResponse: AuthenticationResponseJSON } }>(
    '/v2/connect/login/finish',
    { schema: { body: { type: 'object', required: ['processId', 'assertionResponse'], properties: { processId: { type: 'string', maxLength: 64 }, assertionResponse: { type: 'object' } } } } },
    async (request) => {
      const { processId, assertionResponse: response } = request.body;
      const fail = (code: string, userId: string | null = null, status = 400) => {
        s.event.run('login-failed', userId, null, processId, JSON.stringify({ reason: code }), now());
        return refuse(status, code);
      };
      const process = s.openProcess.get(processId, now());
      if (!process) throw refuse(404, 'process_not_found');
      let clientData: { challenge?: string };
      try {
        clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'));
      } catch {
        throw fail('bad_client_data', process.user_id);
      }
      const challenge = s.consumeChallenge.get(now(), process.id, 'login', String(clientData.challenge), now());
      if (!challenge) throw fail('challenge_not_found', process.user_id);
      const credential = s.credentialById.get(response.id);
      if (!credential || credential.user_id !== challenge.user_id) throw fail('unknown_credential', challenge.user_id);
      const user = s.userById.get(credential.user_id)!;
      const handle = response.response.userHandle;
      if (handle && handle !== Buffer.from(user.webauthn_id, 'utf8').toString('base64url')) throw fail('user_handle_mismatch', user.id);
      const verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: project.origins,
        expectedRPID: project.rpId,
        credential: { id: credential.credential_id, publicKey: new Uint8Array(credential.public_key), counter: credential.counter },
        requireUserVerification: true,
      }).catch(() => undefined);
      if (!verification?.verified) throw fail('bad_signature', user.id);
      const iat = now();
      const jti = id();
      const claims = {
        iss: project.id, sub: user.id, exp: iat + project.tokenTtl, nbf: iat - 10, iat, jti, processId: process.id,
        username: user.identifier, credential: credential.id, challengeId: challenge.id, webauthnId: user.webauthn_id, isCUI: false,
      };
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'JWT' }).sign(signingKey.privateKey);
      const moved = db.transaction(() => {
        if (s.moveCounter.run({ counter: verification.authenticationInfo.newCounter, now: iat, id: credential.id }).changes !== 1) return false;
        s.completeProcess.run(iat, process.id);
        s.event.run('login-succeeded', user.id, credential.id, process.id, JSON.stringify({ challengeId: challenge.id, jti }), iat);
        return true;
      })();
      if (!moved) throw fail('counter_regressed', user.id);
      return { signedPasskeyData: token, passkeyOperation: { identifier: user.identifier, credentialId: credential.credential_id, userId: user.id } };
    },
  );
}
