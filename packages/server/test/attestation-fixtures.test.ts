import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SettingsService, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';
import * as x509 from '@peculiar/x509';
import { validateAttestationPolicy } from '../src/attestation/attestation-policy.js';
import { AttestationRefusal } from '../src/attestation/attestation-refusal.js';
import { enforceAttestationPolicy, type VerifiedAttestation } from '../src/attestation/enforce-attestation-policy.js';
import { makeCa, mdsEntry, type TestCa } from './helpers/attestation-pki.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';

/**
 * The attestation policy on real attestation statements of four formats (fixtures from
 * SimpleWebAuthn's test suite: see fixtures/attestation/README.md): each is verified by
 * @simplewebauthn/server exactly as append/finish does, then judged by the policy against MDS
 * entries in a real store.
 */

interface Fixture {
  response: RegistrationResponseJSON;
  expectedChallenge: string;
  expectedOrigin: string;
  expectedRPID: string;
  verifyAt: string | null;
}
const FIXTURES = JSON.parse(readFileSync(new URL('./fixtures/attestation/simplewebauthn-registrations.json', import.meta.url), 'utf8')) as Record<string, Fixture>;
/** The library's defaults, taken before this suite lifts them. */
const GOOGLE_ROOTS = SettingsService.getRootCertificates({ identifier: 'android-key' });
const FORMATS = ['fido-u2f', 'packed', 'tpm', 'android-key'] as const;

let server: TestServer;
let unrelated: TestCa;
beforeAll(async () => {
  server = await startTestServer();
  unrelated = await makeCa('Unrelated Root');
});
afterAll(async () => {
  SettingsService.setRootCertificates({ identifier: 'android-key', certificates: GOOGLE_ROOTS });
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs `work` at the fixture's time (inside its certificates' validity). */
async function atFixtureTime<T>(f: Fixture, work: () => Promise<T>): Promise<T> {
  if (f.verifyAt) {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(f.verifyAt));
  }
  try {
    return await work();
  } finally {
    vi.useRealTimers();
  }
}

async function verified(format: (typeof FORMATS)[number]): Promise<VerifiedAttestation> {
  const f = FIXTURES[format]!;
  const result = await atFixtureTime(f, () =>
    verifyRegistrationResponse({ response: f.response, expectedChallenge: f.expectedChallenge, expectedOrigin: f.expectedOrigin, expectedRPID: f.expectedRPID, requireUserVerification: false }),
  );
  expect(result.verified).toBe(true);
  expect(result.registrationInfo!.fmt).toBe(format);
  return result.registrationInfo!;
}

const x5cOf = (a: VerifiedAttestation) => decodeAttestationObject(a.attestationObject).get('attStmt').get('x5c')!;

/** The MDS key of a statement: its AAGUID, or (U2F) the SHA-1 key identifier of its certificate, computed here by @peculiar/x509. */
async function mdsKey(a: VerifiedAttestation): Promise<string> {
  if (a.aaguid !== '00000000-0000-0000-0000-000000000000') return a.aaguid;
  const cert = new x509.X509Certificate(x5cOf(a)[0]!);
  return `key:${(await x509.SubjectKeyIdentifierExtension.create(cert.publicKey)).keyId}`;
}

async function storeEntry(key: string, entry: Record<string, unknown>): Promise<void> {
  await server.ctx.store.db.deleteFrom('mds_entries').execute();
  await server.ctx.store.db.insertInto('mds_entries').values({ key, entry: JSON.stringify(entry) }).execute();
}

async function judged(format: (typeof FORMATS)[number], a: VerifiedAttestation, policy: { mode: string; aaguids?: string[] }): Promise<string> {
  try {
    await atFixtureTime(FIXTURES[format]!, () => enforceAttestationPolicy(server.ctx, validateAttestationPolicy(policy), a));
    return 'accepted';
  } catch (error) {
    if (error instanceof AttestationRefusal) return error.audit.why;
    throw error;
  }
}

describe('real attestation statements', () => {
  beforeAll(() => {
    // The android-key fixture chains to the FIDO conformance tools' fake root, which the library's
    // default Google roots rightly refuse (asserted below); only this suite lifts that check.
    SettingsService.setRootCertificates({ identifier: 'android-key', certificates: [] });
  });

  it.each(FORMATS)('%s: allow and deny lists match the statement’s AAGUID', async (format) => {
    const a = await verified(format);
    expect(await judged(format, a, { mode: 'allow', aaguids: [a.aaguid] })).toBe('accepted');
    expect(await judged(format, a, { mode: 'allow', aaguids: ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4'] })).toBe('not-allowed');
    expect(await judged(format, a, { mode: 'deny', aaguids: [a.aaguid] })).toBe('denied');
  });

  it.each(FORMATS)('%s: mds refuses it when unlisted, revoked, compromised, or chained to other roots', async (format) => {
    const a = await verified(format);
    const key = await mdsKey(a);
    await server.ctx.store.db.deleteFrom('mds_entries').execute();
    expect(await judged(format, a, { mode: 'mds' })).toBe('not-in-mds');
    const top = x5cOf(a).at(-1)!;
    const anchor = { base64: Buffer.from(top).toString('base64') } as TestCa;
    await storeEntry(key, mdsEntry(a.aaguid, [anchor], ['FIDO_CERTIFIED', 'USER_VERIFICATION_BYPASS']));
    expect(await judged(format, a, { mode: 'mds' })).toBe('USER_VERIFICATION_BYPASS');
    // A compromised attestation key or user keys refuse it alike.
    for (const status of ['ATTESTATION_KEY_COMPROMISE', 'USER_KEY_REMOTE_COMPROMISE', 'USER_KEY_PHYSICAL_COMPROMISE']) {
      await storeEntry(key, mdsEntry(a.aaguid, [anchor], ['FIDO_CERTIFIED', status]));
      expect(await judged(format, a, { mode: 'mds' })).toBe(status);
    }
    await storeEntry(key, mdsEntry(a.aaguid, [unrelated]));
    expect(await judged(format, a, { mode: 'mds' })).toBe('untrusted-chain');
  });

  it.each(['tpm', 'android-key'] as const)('%s: mds accepts it when its chain leads to the entry’s root', async (format) => {
    const a = await verified(format);
    const chain = x5cOf(a);
    expect(chain.length).toBeGreaterThan(1);
    // The last certificate the authenticator sent is the highest one we hold: the entry's anchor
    // (MDS lists intermediates as anchors too).
    await storeEntry(await mdsKey(a), mdsEntry(a.aaguid, [{ base64: Buffer.from(chain.at(-1)!).toString('base64') } as TestCa]));
    expect(await judged(format, a, { mode: 'mds' })).toBe('accepted');
  });

  it('the default android-key roots (Google’s) refuse the conformance tools’ fake root', async () => {
    SettingsService.setRootCertificates({ identifier: 'android-key', certificates: GOOGLE_ROOTS });
    const f = FIXTURES['android-key']!;
    try {
      await expect(
        verifyRegistrationResponse({ response: f.response, expectedChallenge: f.expectedChallenge, expectedOrigin: f.expectedOrigin, expectedRPID: f.expectedRPID, requireUserVerification: false }),
      ).rejects.toThrow(/not a known root/);
    } finally {
      SettingsService.setRootCertificates({ identifier: 'android-key', certificates: [] });
    }
  });
});
