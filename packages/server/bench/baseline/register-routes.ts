import { randomBytes } from 'node:crypto';
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { BaselineApp } from './server.js';

/**
 * Set-up only (never timed): registers a user's passkey so that the bench can log in with it. A
 * real registration (attestation verified), but without Latchkey's connect tokens.
 */
export function registerRoutes({ app, store, project }: BaselineApp): void {
  const { s } = store;
  const pending = new Map<string, string>();

  app.post<{ Body: { identifier: string } }>('/bench/register/options', async (request) => {
    const identifier = request.body.identifier;
    let user = s.userByIdentifier.get(identifier);
    if (!user) {
      user = { id: `usr-${randomBytes(12).toString('base64url')}`, identifier, webauthn_id: randomBytes(16).toString('base64url') };
      s.putUser.run(user.id, user.identifier, user.webauthn_id);
    }
    const options = await generateRegistrationOptions({
      rpName: project.name,
      rpID: project.rpId,
      userName: identifier,
      userID: new Uint8Array(Buffer.from(user.webauthn_id, 'utf8')),
      attestationType: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    pending.set(identifier, options.challenge);
    return options;
  });

  app.post<{ Body: { identifier: string; attestationResponse: RegistrationResponseJSON } }>('/bench/register/finish', async (request, reply) => {
    const { identifier, attestationResponse } = request.body;
    const user = s.userByIdentifier.get(identifier);
    const challenge = pending.get(identifier);
    pending.delete(identifier);
    if (!user || !challenge) return reply.code(400).send({ error: { code: 'no_registration', message: 'ask for options first' } });
    const verification = await verifyRegistrationResponse({
      response: attestationResponse,
      expectedChallenge: challenge,
      expectedOrigin: project.origins,
      expectedRPID: project.rpId,
      requireUserVerification: true,
    });
    if (!verification.verified) return reply.code(400).send({ error: { code: 'bad_attestation', message: 'attestation did not verify' } });
    const { credential } = verification.registrationInfo;
    s.putCredential.run(`cred-${randomBytes(12).toString('base64url')}`, user.id, credential.id, Buffer.from(credential.publicKey), credential.counter, JSON.stringify(credential.transports ?? []));
    return { ok: true };
  });
}
