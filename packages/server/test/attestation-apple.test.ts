import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { SettingsService } from '@simplewebauthn/server';
import { SoftAuthenticator, type AppleAttestationIssuer } from '@latchkey/testkit';
import { setAttestationPolicy } from '../src/attestation/set-attestation-policy.js';
import { importMdsBlob } from '../src/attestation/import-mds-blob.js';
import { appendPasskey, expectStatus, login } from './helpers/ceremonies.js';
import { errorLogs, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';
import { isoDay, makeAppleIssuer, makeCa, makeMdsBlob, mdsEntry, type TestCa } from './helpers/attestation-pki.js';

/**
 * Apple anonymous attestation (fmt "apple") under the mds policy, over real HTTP with the software
 * authenticator's Apple-format statements (SimpleWebAuthn's own apple fixture has an expired
 * certificate). Two checks apply in turn, and both are exercised:
 *
 * 1. @simplewebauthn/server verifies the statement (nonce extension, credential key, chain) against
 *    its SettingsService roots for "apple": in production Apple's WebAuthn root, which Latchkey
 *    never changes. No test can hold Apple's CA key, so this file, and only inside this test
 *    process, puts the test root there, the library's documented way to set roots per format.
 * 2. Latchkey's mds policy checks the same chain against the roots the MDS entry lists.
 */

const APPLE = 'f24a8e70-d0d3-f82c-2937-32523cc4de5a';
const MISLISTED = '44444444-5555-4666-8777-888888888888';

let server: TestServer;
let mdsRoot: TestCa;
let appleRoot: TestCa;
let otherRoot: TestCa;
let issuer: AppleAttestationIssuer;
const productionAppleRoots = SettingsService.getRootCertificates({ identifier: 'apple' });

beforeAll(async () => {
  server = await startTestServer();
  [mdsRoot, appleRoot, otherRoot] = await Promise.all([makeCa('Test MDS Root'), makeCa('Test Apple WebAuthn Root CA'), makeCa('Other Root')]);
  issuer = await makeAppleIssuer(appleRoot);
});
afterAll(async () => {
  SettingsService.setRootCertificates({ identifier: 'apple', certificates: productionAppleRoots });
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

describe('apple attestation with the production roots', () => {
  it('the library trusts only Apple WebAuthn Root CA for apple, so a statement from any other CA is refused', async () => {
    expect(productionAppleRoots.map((pem) => new X509Certificate(pem).subject)).toEqual([expect.stringContaining('CN=Apple WebAuthn Root CA')]);
    const p = await server.addProject();
    const answer = await appendPasskey(p, new SoftAuthenticator({ aaguid: APPLE }), 'forged@example.com', { attestation: 'apple', appleIssuer: issuer, algorithm: 'ES256' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(422);
    expect(answer.body.error.code).toBe('attestation_invalid');
    expect(answer.body.error.message).toContain('Apple');
  });
});

describe('apple attestation under the mds policy', () => {
  let p: TestProject;
  beforeAll(async () => {
    SettingsService.setRootCertificates({ identifier: 'apple', certificates: [appleRoot.pem] });
    p = await server.addProject();
    const blob = await makeMdsBlob(mdsRoot, { no: 1, nextUpdate: isoDay(30), entries: [mdsEntry(APPLE, [appleRoot]), mdsEntry(MISLISTED, [otherRoot])] });
    await importMdsBlob(server.ctx, blob, [mdsRoot.pem]);
    await setAttestationPolicy(server.ctx, p.project.id, { mode: 'mds' }, 'test');
  });

  it('accepts an apple statement whose chain leads to the root the MDS lists for its AAGUID, and the passkey logs in', async () => {
    const authenticator = new SoftAuthenticator({ aaguid: APPLE });
    const answer = await appendPasskey(p, authenticator, 'apple@example.com', { attestation: 'apple', appleIssuer: issuer, algorithm: 'ES256' });
    expectStatus(answer, 200);
    expect(answer.body.passkey.aaguid).toBe(APPLE);
    expectStatus(await login(p, authenticator, 'apple@example.com'), 200);
  });

  it('refuses an apple statement (valid for the library) when the MDS lists a different root for that AAGUID', async () => {
    const answer = await appendPasskey(p, new SoftAuthenticator({ aaguid: MISLISTED }), 'mislisted@example.com', { attestation: 'apple', appleIssuer: issuer, algorithm: 'ES256' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(422);
    expect(answer.body.error.code).toBe('attestation_not_allowed');
    expect(answer.body.error.message).toContain(MISLISTED);
    expect(answer.body.error.message).toContain('chain');
  });

  it('a project on policy none accepts the same statement (the library verified it)', async () => {
    const other = await server.addProject();
    expectStatus(await appendPasskey(other, new SoftAuthenticator({ aaguid: MISLISTED }), 'none@example.com', { attestation: 'apple', appleIssuer: issuer, algorithm: 'ES256' }), 200);
  });
});
