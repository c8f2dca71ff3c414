import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator, type Algorithm, type AttestationFormat } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus, startAppend } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type TestServer } from './helpers/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const events = async (userId: string) => (await server.main.backend('GET', `/passkeyEvents?userID=${userId}`)).body.passkeyEvents as Array<{ type: string; detail: any }>;
const userOf = async (identifier: string) => (await server.main.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users[0];

describe('append: the happy path', () => {
  const cases: Array<[Algorithm, AttestationFormat]> = [
    ['ES256', 'none'], ['ES256', 'packed'], ['EdDSA', 'none'], ['EdDSA', 'packed'], ['RS256', 'none'], ['RS256', 'packed'],
  ];
  it.each(cases)('stores a %s passkey with %s attestation and everything about it', async (algorithm, attestation) => {
    const aaguid = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';
    const authenticator = new SoftAuthenticator({ aaguid, backupEligible: true, backupState: true });
    const identifier = `${algorithm}-${attestation}@example.com`;
    const answer = await appendPasskey(server.main, authenticator, identifier, { algorithm, attestation, transports: ['internal', 'hybrid'] });
    expectStatus(answer, 200);
    const passkey = answer.body.passkey;
    expect(passkey).toMatchObject({
      credentialId: authenticator.credentials[0]!.id,
      aaguid,
      authenticatorName: 'Google Password Manager',
      backupEligible: true,
      backupState: true,
      transports: ['internal', 'hybrid'],
      lastUsedAt: null,
      userAgent: expect.any(String),
    });
    expect(passkey.id).toMatch(/^cre-\d{19,20}$/);
    expect(Math.abs(passkey.createdAt - Date.now() / 1000)).toBeLessThan(5);

    const user = await userOf(identifier);
    const listed = await server.main.backend('GET', `/users/${user.userID}/passkeys`);
    expect(listed.body.passkeys).toEqual([passkey]);
    const row = await server.ctx.store.db.selectFrom('credentials').selectAll().where('id', '=', passkey.id).executeTakeFirstOrThrow();
    expect(row.algorithm).toBe({ ES256: -7, EdDSA: -8, RS256: -257 }[algorithm]);
    expect(row.attestation_format).toBe(attestation);
    expect(row.counter).toBe(0);
    expect((await events(user.userID)).map((e) => e.type)).toEqual(['passkey-appended']);
  });

  it('asks for a discoverable credential with attestation none, UV preferred, and the user handle as the webauthnId', async () => {
    const { options } = await startAppend(server.main, 'options@example.com');
    const user = await userOf('options@example.com');
    expect(user.webauthnId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(options.user.id).toBe(Buffer.from(user.webauthnId, 'utf8').toString('base64url'));
    expect(options.user.name).toBe('options@example.com');
    expect(options.rp).toEqual({ id: 'localhost', name: 'Test app' });
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' });
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(Buffer.from(options.challenge, 'base64url')).toHaveLength(32);
    expect(options.excludeCredentials).toEqual([]);
  });

  it('lists the user’s passkeys in excludeCredentials, so one authenticator cannot register twice', async () => {
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendPasskey(server.main, authenticator, 'twice@example.com'), 200);
    const { options } = await startAppend(server.main, 'twice@example.com');
    expect(options.excludeCredentials).toEqual([{ id: authenticator.credentials[0]!.id, type: 'public-key', transports: ['internal', 'hybrid'] }]);
    expect(() => authenticator.createCredential(options, { origin: ORIGIN })).toThrow(/excluded/);
    // A second authenticator adds a second passkey for the same user.
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator(), 'twice@example.com'), 200);
    const user = await userOf('twice@example.com');
    expect((await server.main.backend('GET', `/users/${user.userID}/passkeys`)).body.passkeys).toHaveLength(2);
  });

  it('refuses to register one credential id twice in a project (409) even when excludeCredentials is ignored', async () => {
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendPasskey(server.main, authenticator, 'dup@example.com'), 200);
    const started = await startAppend(server.main, 'dup-other@example.com');
    const response = authenticator.createCredential(started.options, { origin: ORIGIN, credentialId: authenticator.credentials[0]!.id });
    const answer = await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: response });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('credential_already_registered');
  });
});

describe('append: every refusal names its check', () => {
  async function refusal(identifier: string, tweak: Parameters<typeof appendPasskey>[3]) {
    const answer = await appendPasskey(server.main, new SoftAuthenticator(), identifier, tweak);
    return { status: answer.status, code: answer.body.error?.code as string };
  }

  it('a response made on a foreign origin: 422 origin_mismatch', async () => {
    expect(await refusal('o@example.com', { origin: 'https://evil.example' })).toEqual({ status: 422, code: 'origin_mismatch' });
  });
  it('a response for another RP ID: 422 rp_id_mismatch', async () => {
    expect(await refusal('rp@example.com', { rpId: 'evil.example' })).toEqual({ status: 422, code: 'rp_id_mismatch' });
  });
  it('a response to a challenge this process never issued: 422 challenge_mismatch', async () => {
    expect(await refusal('c@example.com', { challenge: Buffer.alloc(32, 7).toString('base64url') })).toEqual({ status: 422, code: 'challenge_mismatch' });
  });
  it('a get() response sent to append: 422 type_mismatch', async () => {
    expect(await refusal('t@example.com', { type: 'webauthn.get' })).toEqual({ status: 422, code: 'type_mismatch' });
  });
  it('a response made inside a cross-origin frame: 422 origin_mismatch', async () => {
    expect(await refusal('frame@example.com', { crossOrigin: true })).toEqual({ status: 422, code: 'origin_mismatch' });
  });
  it('no user verification: 422 user_verification_required', async () => {
    expect(await refusal('uv@example.com', { userVerified: false })).toEqual({ status: 422, code: 'user_verification_required' });
  });

  it('a challenge answered twice: 409 challenge_already_used, even after a failed first answer', async () => {
    const started = await startAppend(server.main, 'reuse@example.com');
    const bad = new SoftAuthenticator().createCredential(started.options, { origin: ORIGIN, userVerified: false });
    expect((await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: bad })).status).toBe(422);
    const good = new SoftAuthenticator().createCredential(started.options, { origin: ORIGIN });
    const again = await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: good });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('challenge_already_used');
  });

  it('an expired process: 410 process_expired', async () => {
    const started = await startAppend(server.main, 'late@example.com');
    const response = new SoftAuthenticator().createCredential(started.options, { origin: ORIGIN });
    server.clock.advance(16 * 60);
    try {
      const answer = await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: response });
      expect(answer.status).toBe(410);
      expect(answer.body.error.code).toBe('process_expired');
    } finally {
      server.clock.reset();
    }
  });

  it('an expired challenge in a live process: 410 challenge_expired', async () => {
    const started = await startAppend(server.main, 'slow@example.com');
    const response = new SoftAuthenticator().createCredential(started.options, { origin: ORIGIN });
    server.clock.advance(6 * 60);
    try {
      const answer = await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: response });
      expect(answer.status).toBe(410);
      expect(answer.body.error.code).toBe('challenge_expired');
    } finally {
      server.clock.reset();
    }
  });

  it('records each refusal as an append-failed event with the reason', async () => {
    await refusal('audited@example.com', { origin: 'https://evil.example' });
    const user = await userOf('audited@example.com');
    expect(await events(user.userID)).toEqual([expect.objectContaining({ type: 'append-failed', detail: { reason: 'origin_mismatch' } })]);
  });
});

describe('append: the connect token', () => {
  it('is spent only by a successful finish; then init, start and finish refuse it with 409', async () => {
    const token = await connectToken(server.main, 'passkey-append', 'spent@example.com');
    const init = await server.main.frontend('/append/init', { connectToken: token });
    expect(init.body).toMatchObject({ processId: expect.stringMatching(/^[0-9A-Za-z]{20}$/), appendAllowed: true, expiresAt: expect.any(Number) });
    const start = await server.main.frontend('/append/start', { processId: init.body.processId });
    // A failed finish leaves the token usable.
    const bad = new SoftAuthenticator().createCredential(start.body.attestationOptions, { origin: ORIGIN, userVerified: false });
    expect((await server.main.frontend('/append/finish', { processId: init.body.processId, attestationResponse: bad })).status).toBe(422);
    const secondInit = await server.main.frontend('/append/init', { connectToken: token });
    expectStatus(secondInit, 200);
    const secondStart = await server.main.frontend('/append/start', { processId: secondInit.body.processId });
    const good = new SoftAuthenticator().createCredential(secondStart.body.attestationOptions, { origin: ORIGIN });
    expectStatus(await server.main.frontend('/append/finish', { processId: secondInit.body.processId, attestationResponse: good }), 200);

    const reused = await server.main.frontend('/append/init', { connectToken: token });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('connect_token_spent');
    // The first process, still open, cannot use the spent token either.
    const stale = await server.main.frontend('/append/start', { processId: init.body.processId });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('connect_token_spent');
  });

  it('says precisely why finish cannot spend the token: revoked 401, expired 410 — and stores nothing', async () => {
    // Revoked by the app between start and finish.
    const revoked = await startAppend(server.main, 'revoked-midway@example.com');
    const tokens = (await server.main.backend('GET', '/connectTokens?identifier=revoked-midway@example.com')).body.connectTokens;
    expectStatus(await server.main.backend('DELETE', `/connectTokens/${tokens[0].id}`), 200);
    const afterRevoke = await server.main.frontend('/append/finish', {
      processId: revoked.processId,
      attestationResponse: new SoftAuthenticator().createCredential(revoked.options, { origin: ORIGIN }),
    });
    expect([afterRevoke.status, afterRevoke.body.error.code]).toEqual([401, 'connect_token_revoked']);

    // Expired (tokens live 600 s) while the challenge (300 s from start) is still good.
    const token = await connectToken(server.main, 'passkey-append', 'expired-midway@example.com');
    server.clock.advance(590);
    try {
      const init = await server.main.frontend('/append/init', { connectToken: token });
      const start = await server.main.frontend('/append/start', { processId: init.body.processId });
      server.clock.advance(20);
      const late = await server.main.frontend('/append/finish', {
        processId: init.body.processId,
        attestationResponse: new SoftAuthenticator().createCredential(start.body.attestationOptions, { origin: ORIGIN }),
      });
      expect([late.status, late.body.error.code]).toEqual([410, 'connect_token_expired']);
    } finally {
      server.clock.reset();
    }
    for (const identifier of ['revoked-midway@example.com', 'expired-midway@example.com']) {
      const user = await userOf(identifier);
      expect((await server.main.backend('GET', `/users/${user.userID}/passkeys`)).body.passkeys).toEqual([]);
    }
  });

  it('two processes racing on one token: exactly one passkey is stored', async () => {
    const token = await connectToken(server.main, 'passkey-append', 'race@example.com');
    const runs = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const init = await server.main.frontend('/append/init', { connectToken: token });
        const start = await server.main.frontend('/append/start', { processId: init.body.processId });
        const response = new SoftAuthenticator().createCredential(start.body.attestationOptions, { origin: ORIGIN });
        return { processId: init.body.processId as string, response };
      }),
    );
    const answers = await Promise.all(runs.map((r) => server.main.frontend('/append/finish', { processId: r.processId, attestationResponse: r.response })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
    const user = await userOf('race@example.com');
    expect((await server.main.backend('GET', `/users/${user.userID}/passkeys`)).body.passkeys).toHaveLength(1);
  });

  it('refuses an unknown token (401), a token of another type (403), an expired token (410), another project’s token (401)', async () => {
    const unknown = await server.main.frontend('/append/init', { connectToken: 'ctk1_000000000000000000000000000000' });
    expect([unknown.status, unknown.body.error.code]).toEqual([401, 'connect_token_invalid']);

    await connectToken(server.main, 'passkey-append', 'typed@example.com');
    const listToken = await connectToken(server.main, 'passkey-list', 'typed@example.com');
    const wrongType = await server.main.frontend('/append/init', { connectToken: listToken });
    expect([wrongType.status, wrongType.body.error.code]).toEqual([403, 'connect_token_wrong_type']);

    const expiring = await connectToken(server.main, 'passkey-append', 'expired@example.com');
    server.clock.advance(601);
    try {
      const expired = await server.main.frontend('/append/init', { connectToken: expiring });
      expect([expired.status, expired.body.error.code]).toEqual([410, 'connect_token_expired']);
    } finally {
      server.clock.reset();
    }

    const other = await server.addProject({ name: 'Other app' });
    const foreign = await connectToken(other, 'passkey-append', 'foreign@example.com');
    const crossed = await server.main.frontend('/append/init', { connectToken: foreign });
    expect([crossed.status, crossed.body.error.code]).toEqual([401, 'connect_token_invalid']);
  });
});
