import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { SoftAuthenticator, type AttestationCertificate } from '@latchkey/testkit';
import { setAttestationPolicy } from '../src/attestation/set-attestation-policy.js';
import { importMdsBlob } from '../src/attestation/import-mds-blob.js';
import { loadConfig } from '../src/config/config.js';
import { LatchkeyError } from '../src/errors/latchkey-error.js';
import { startServer } from '../src/server.js';
import { createProject } from '../src/projects/create-project.js';
import { projectClient } from './helpers/http-client.js';
import { freshDatabase } from './helpers/test-store.js';
import { appendPasskey, expectStatus, login, startAppend } from './helpers/ceremonies.js';
import { errorLogs, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';
import { isoDay, makeAttestationCertificate, makeCa, makeMdsBlob, mdsEntry, type TestCa } from './helpers/attestation-pki.js';

/**
 * The attestation policy (issue 13, item 5) over real HTTP and real WebAuthn: the software
 * authenticator's AAGUIDs against allow and deny lists, and packed basic attestation against an
 * MDS3 BLOB signed by a test root (the only way the trust root differs from the FIDO Alliance's:
 * importMdsBlob's parameter).
 */

const CERTIFIED = '11111111-2222-4333-8444-555555555555';
const REVOKED = '22222222-3333-4444-8555-666666666666';
const UNLISTED = '33333333-4444-4555-8666-777777777777';

let server: TestServer;
let mdsRoot: TestCa;
let vendorRoot: TestCa;
let rogueRoot: TestCa;
let certified: AttestationCertificate;
let revoked: AttestationCertificate;
let unlisted: AttestationCertificate;
let rogue: AttestationCertificate;

beforeAll(async () => {
  server = await startTestServer();
  [mdsRoot, vendorRoot, rogueRoot] = await Promise.all([makeCa('Test MDS Root'), makeCa('Test Vendor Attestation Root'), makeCa('Rogue Root')]);
  certified = await makeAttestationCertificate(vendorRoot, CERTIFIED);
  revoked = await makeAttestationCertificate(vendorRoot, REVOKED);
  unlisted = await makeAttestationCertificate(vendorRoot, UNLISTED);
  rogue = await makeAttestationCertificate(rogueRoot, CERTIFIED);
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const userOf = async (p: TestProject, identifier: string) => (await p.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users[0];
const failures = async (p: TestProject, identifier: string) => {
  const user = await userOf(p, identifier);
  const events = (await p.backend('GET', `/passkeyEvents?userID=${user.userID}`)).body.passkeyEvents as Array<{ type: string; detail: any }>;
  return events.filter((e) => e.type === 'append-failed').map((e) => e.detail);
};

function expectRefused(answer: { status: number; body: any }, ...words: string[]) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(422);
  expect(answer.body.error.code).toBe('attestation_not_allowed');
  for (const word of words) expect(answer.body.error.message).toContain(word);
}

describe('attestation policy none (the default)', () => {
  it('asks for no attestation and accepts any authenticator', async () => {
    const p = await server.addProject();
    const started = await startAppend(p, 'default@example.com');
    expect(started.options.attestation).toBe('none');
    expectStatus(await appendPasskey(p, new SoftAuthenticator({ aaguid: UNLISTED }), 'any@example.com'), 200);
  });
});

describe('AAGUID allow and deny lists', () => {
  it('allow: the listed authenticator appends; another is refused with attestation_not_allowed, named, and audited', async () => {
    const p = await server.addProject();
    await setAttestationPolicy(server.ctx, p.project.id, { mode: 'allow', aaguids: [CERTIFIED.toUpperCase()] }, 'test');
    expectStatus(await appendPasskey(p, new SoftAuthenticator({ aaguid: CERTIFIED }), 'allowed@example.com'), 200);
    const refused = await appendPasskey(p, new SoftAuthenticator({ aaguid: UNLISTED }), 'other@example.com');
    expectRefused(refused, UNLISTED, 'allowed');
    expect(await failures(p, 'other@example.com')).toEqual([{ reason: 'attestation_not_allowed', aaguid: UNLISTED, why: 'not-allowed' }]);
    // Nothing was stored, and the connect token was not spent: the user can try another authenticator.
    expect((await p.backend('GET', `/users/${(await userOf(p, 'other@example.com')).userID}/passkeys`)).body.passkeys).toEqual([]);
  });

  it('deny: the listed authenticator is refused, any other appends and logs in', async () => {
    const p = await server.addProject();
    await setAttestationPolicy(server.ctx, p.project.id, { mode: 'deny', aaguids: [UNLISTED] }, 'test');
    expectRefused(await appendPasskey(p, new SoftAuthenticator({ aaguid: UNLISTED }), 'denied@example.com'), UNLISTED);
    const fine = new SoftAuthenticator({ aaguid: CERTIFIED });
    expectStatus(await appendPasskey(p, fine, 'fine@example.com'), 200);
    expectStatus(await login(p, fine, 'fine@example.com'), 200);
  });

  it('the change is audited; bad policies are refused with what is accepted', async () => {
    const p = await server.addProject();
    await setAttestationPolicy(server.ctx, p.project.id, { mode: 'deny', aaguids: [UNLISTED] }, 'cli');
    const events = (await p.backend('GET', '/passkeyEvents?limit=500')).body.passkeyEvents.filter((e: any) => e.type === 'attestation-policy-changed');
    expect(events.map((e: any) => e.detail)).toEqual([{ actor: 'cli', mode: 'deny', aaguids: [UNLISTED] }]);
    await expect(setAttestationPolicy(server.ctx, p.project.id, { mode: 'strict' }, 'test')).rejects.toMatchObject({ code: 'invalid_attestation_policy' });
    await expect(setAttestationPolicy(server.ctx, p.project.id, { mode: 'allow', aaguids: [] }, 'test')).rejects.toMatchObject({ code: 'invalid_attestation_policy' });
    await expect(setAttestationPolicy(server.ctx, p.project.id, { mode: 'allow', aaguids: ['yubikey'] }, 'test')).rejects.toMatchObject({ code: 'invalid_aaguid' });
    await expect(setAttestationPolicy(server.ctx, p.project.id, { mode: 'mds', aaguids: [CERTIFIED] }, 'test')).rejects.toMatchObject({ code: 'invalid_attestation_policy' });
  });
});

describe('MDS3 BLOB import', () => {
  it('imports a BLOB whose chain leads to the trust root; a tampered one, an untrusted one and an older one are refused', async () => {
    const blob = await makeMdsBlob(mdsRoot, { no: 7, nextUpdate: isoDay(30), entries: [mdsEntry(CERTIFIED, [vendorRoot])] });
    const info = await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    expect(info).toMatchObject({ no: 7, nextUpdate: isoDay(30), entries: 1, stale: false });

    const [header, payload, signature] = blob.split('.');
    const altered = Buffer.from(payload!, 'base64url').toString().replace('FIDO_CERTIFIED', 'FIDO_CERTIFIED_L1');
    const tampered = `${header}.${Buffer.from(altered).toString('base64url')}.${signature}`;
    await expect(importMdsBlob(server.ctx, tampered, [mdsRoot.pem])).rejects.toMatchObject({ code: 'mds_blob_bad_signature' });
    // The embedded FIDO Alliance root (the default) does not vouch for the test signer.
    await expect(importMdsBlob(server.ctx, blob)).rejects.toMatchObject({ code: 'mds_blob_untrusted' });
    await expect(importMdsBlob(server.ctx, 'not a blob', [mdsRoot.pem])).rejects.toMatchObject({ code: 'invalid_mds_blob' });
    const older = await makeMdsBlob(mdsRoot, { no: 6, nextUpdate: isoDay(30), entries: [] });
    await expect(importMdsBlob(server.ctx, older, [mdsRoot.pem])).rejects.toBeInstanceOf(LatchkeyError);
  });
});

describe('attestation policy mds', () => {
  let p: TestProject;
  beforeAll(async () => {
    p = await server.addProject();
    const blob = await makeMdsBlob(mdsRoot, {
      no: 8,
      nextUpdate: isoDay(30),
      entries: [mdsEntry(CERTIFIED, [vendorRoot]), mdsEntry(REVOKED, [vendorRoot], ['FIDO_CERTIFIED', 'REVOKED'])],
    });
    await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    await setAttestationPolicy(server.ctx, p.project.id, { mode: 'mds' }, 'test');
  });

  it('asks for direct attestation and accepts a certified authenticator whose attestation chains to its MDS roots', async () => {
    const started = await startAppend(p, 'probe@example.com');
    expect(started.options.attestation).toBe('direct');
    const authenticator = new SoftAuthenticator({ aaguid: CERTIFIED });
    const answer = await appendPasskey(p, authenticator, 'certified@example.com', { attestation: 'packed', attestationCertificate: certified });
    expectStatus(answer, 200);
    expect(answer.body.passkey.aaguid).toBe(CERTIFIED);
    expectStatus(await login(p, authenticator, 'certified@example.com'), 200);
  });

  it('refuses an authenticator the MDS reports REVOKED', async () => {
    const answer = await appendPasskey(p, new SoftAuthenticator({ aaguid: REVOKED }), 'revoked@example.com', { attestation: 'packed', attestationCertificate: revoked });
    expectRefused(answer, REVOKED, 'REVOKED');
    expect(await failures(p, 'revoked@example.com')).toEqual([{ reason: 'attestation_not_allowed', aaguid: REVOKED, why: 'REVOKED' }]);
  });

  it('refuses an attestation that chains to another root than the MDS lists', async () => {
    expectRefused(await appendPasskey(p, new SoftAuthenticator({ aaguid: CERTIFIED }), 'rogue@example.com', { attestation: 'packed', attestationCertificate: rogue }), CERTIFIED, 'chain');
  });

  it('refuses an authenticator the MDS does not list', async () => {
    expectRefused(await appendPasskey(p, new SoftAuthenticator({ aaguid: UNLISTED }), 'unlisted@example.com', { attestation: 'packed', attestationCertificate: unlisted }), UNLISTED, 'not in');
  });

  it('refuses self attestation and no attestation: nothing the MDS can vouch for', async () => {
    const self = await appendPasskey(p, new SoftAuthenticator({ aaguid: CERTIFIED }), 'self@example.com', { attestation: 'packed' });
    expectRefused(self, CERTIFIED, 'self attestation');
    expectRefused(await appendPasskey(p, new SoftAuthenticator({ aaguid: CERTIFIED }), 'none@example.com', { attestation: 'none' }), CERTIFIED, 'format none');
  });

  it('does not change other projects: policy none still accepts the revoked authenticator', async () => {
    const other = await server.addProject();
    expectStatus(await appendPasskey(other, new SoftAuthenticator({ aaguid: REVOKED }), 'elsewhere@example.com', { attestation: 'packed', attestationCertificate: revoked }), 200);
  });
});

describe('a stale BLOB', () => {
  it('imports with stale: true, is still enforced, and the server warns at start', async () => {
    const database = await freshDatabase();
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l)); done(); } }));
    const config = loadConfig({ LATCHKEY_DATABASE_URL: database.url, LATCHKEY_PORT: '0', LATCHKEY_ALLOW_PLAINTEXT_KEYS: 'true' });
    const first = await startServer(config, { logger });
    try {
      const blob = await makeMdsBlob(mdsRoot, { no: 3, nextUpdate: isoDay(-2), entries: [mdsEntry(REVOKED, [vendorRoot], ['REVOKED'])] });
      const info = await importMdsBlob(first.ctx, blob, [mdsRoot.pem]);
      expect(info).toMatchObject({ no: 3, stale: true, nextUpdate: isoDay(-2) });
      const { project, apiSecret } = await createProject(first.ctx, { name: 'Stale', rpId: 'localhost', origins: ['http://localhost:3000'] });
      await setAttestationPolicy(first.ctx, project.id, { mode: 'mds' }, 'test');
      const p = projectClient(first.url, project, apiSecret.secret);
      const answer = await appendPasskey(p, new SoftAuthenticator({ aaguid: REVOKED }), 'stale@example.com', { attestation: 'packed', attestationCertificate: revoked });
      expectRefused(answer, REVOKED, 'REVOKED');
    } finally {
      await first.close();
    }
    expect(lines.filter((l) => l.level === 40 && /MDS/.test(l.msg))).toEqual([]);
    const second = await startServer(config, { logger });
    await second.close();
    const warnings = lines.filter((l) => l.level === 40 && /MDS BLOB \(no 3\) is stale/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain(isoDay(-2));
    await database.drop();
  });
});
