import { randomBytes } from 'node:crypto';
import { SoftAuthenticator, type Algorithm } from '@latchkey/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPasskey, expectStatus, startAppend } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type TestServer } from './helpers/harness.js';

/** Append's limits on what an authenticator may hand in; the suite runs on SQLite and on PostgreSQL. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const storedPasskeys = async () => (await server.ctx.store.db.selectFrom('credentials').select(['credential_id']).execute()).map((r) => r.credential_id);

describe('append: credential id length (WebAuthn: at most 1023 bytes)', () => {
  it('a 1023-byte credential id is stored', async () => {
    const credentialId = randomBytes(1023).toString('base64url');
    const answer = await appendPasskey(server.main, new SoftAuthenticator(), 'id-1023@example.com', { credentialId });
    expectStatus(answer, 200);
    expect(answer.body.passkey.credentialId).toBe(credentialId);
  });

  it.each([1024, 3000, 8000])('a %i-byte credential id: 400 credential_id_too_long, nothing stored, the process still usable', async (bytes) => {
    const identifier = `id-${bytes}@example.com`;
    const started = await startAppend(server.main, identifier);
    const authenticator = new SoftAuthenticator();
    const credentialId = randomBytes(bytes).toString('base64url');
    const response = authenticator.createCredential(started.options, { origin: ORIGIN, credentialId });
    const answer = await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: response });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'credential_id_too_long', requestId: expect.stringMatching(/^req_/) });
    expect(answer.body.error.message).toContain(`${bytes} bytes`);
    expect(answer.body.error.message).toContain('1023');
    expect(await storedPasskeys()).not.toContain(credentialId);
    // Refused before the challenge was spent: the same process takes a proper credential.
    const retry = authenticator.createCredential(started.options, { origin: ORIGIN });
    expectStatus(await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: retry }), 200);
  });

  it('an id and rawId that are short while the authenticator data carries a 1024-byte id: 400 credential_id_too_long', async () => {
    const started = await startAppend(server.main, 'id-inner@example.com');
    const longId = randomBytes(1024).toString('base64url');
    const response = new SoftAuthenticator().createCredential(started.options, { origin: ORIGIN, credentialId: longId });
    const shortId = randomBytes(32).toString('base64url');
    const answer = await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: { ...response, id: shortId, rawId: shortId } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('credential_id_too_long');
    expect(await storedPasskeys()).not.toContain(longId);
    expect(await storedPasskeys()).not.toContain(shortId);
  });
});

describe('append: packed self attestation must declare the credential key’s algorithm', () => {
  const cases: Array<[Algorithm, number]> = [
    ['ES256', -257], // ES256 key, declared RS256: both hash with SHA-256, so the signature alone passes
    ['ES256', -37], // PS256
    ['RS256', -7], // RS256 key, declared ES256
  ];
  it.each(cases)('a %s key whose statement says alg %i: 422 attestation_alg_mismatch, nothing stored', async (algorithm, attestationAlg) => {
    const identifier = `alg-${algorithm}-${attestationAlg}@example.com`;
    const authenticator = new SoftAuthenticator();
    const answer = await appendPasskey(server.main, authenticator, identifier, { algorithm, attestation: 'packed', attestationAlg });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('attestation_alg_mismatch');
    expect(answer.body.error.message).toContain(String(attestationAlg));
    expect(await storedPasskeys()).not.toContain(authenticator.credentials[0]!.id);
  });

  it.each<Algorithm>(['ES256', 'EdDSA', 'RS256'])('a %s key whose statement declares its own alg is stored', async (algorithm) => {
    const answer = await appendPasskey(server.main, new SoftAuthenticator(), `alg-ok-${algorithm}@example.com`, { algorithm, attestation: 'packed' });
    expectStatus(answer, 200);
  });
});
