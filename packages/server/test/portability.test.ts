import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { importPasskeys } from '../src/portability/import-passkeys.js';
import { appendPasskey, expectStatus, login, loginConditional, verify } from './helpers/ceremonies.js';
import { killAllCliProcesses } from './helpers/cli-process.js';
import { runCliPatiently as runCli } from './helpers/run-cli-patiently.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';

/**
 * `latchkey passkeys export` / `import` (issue 13, item 7), on the store this run tests: passkeys
 * made by the software authenticator in store A, exported by the real CLI, imported into a fresh
 * store B, and the same authenticator logs in against B and its token verifies.
 */

/** A successful `--json` run: exit 0, one JSON object on stdout, nothing on stderr. */
async function runCliJson(args: string[], options: { db: string; cwd: string }): Promise<any> {
  const run = await runCli([...args, '--json'], options);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout);
}

/** Each CLI run starts Node and opens the store: on a loaded 2-core machine that takes seconds. */
const SLOW = 400_000;

const dir = mkdtempSync(join(tmpdir(), 'latchkey-portability-'));
const databases: TestDatabase[] = [];
const servers: TestServer[] = [];

async function serverWithUrl(): Promise<{ server: TestServer; db: string }> {
  const database = await freshDatabase();
  databases.push(database);
  const server = await startTestServer({ databaseUrl: database.url });
  servers.push(server);
  return { server, db: database.url };
}

let a: { server: TestServer; db: string };
const alice = new SoftAuthenticator({ aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4' });
const aliceKey = new SoftAuthenticator({ aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', backupEligible: false, backupState: false });
const bob = new SoftAuthenticator();
let exported: string;
/** Not ASCII, and NFC-normalised as the rename route stores labels. */
const ALICE_LABEL = 'Alice’s phone — café';

beforeAll(async () => {
  a = await serverWithUrl();
  expectStatus(await appendPasskey(a.server.main, alice, 'alice@example.com', { transports: ['internal', 'hybrid'] }), 200);
  expectStatus(await appendPasskey(a.server.main, aliceKey, 'alice@example.com', { transports: ['usb', 'nfc'] }), 200);
  expectStatus(await appendPasskey(a.server.main, bob, 'bob@example.com', { algorithm: 'RS256' }), 200);
  // Used once in A: the counter and last use travel with the passkey.
  expectStatus(await login(a.server.main, alice, 'alice@example.com'), 200);
  // Renamed in A: the user's label travels with the passkey too.
  const aliceId = (await usersOf(a.server)).find((u) => u.identifier === 'alice@example.com')!.userID;
  const listed = (await a.server.main.backend('GET', `/users/${aliceId}/passkeys`)).body.passkeys as Array<{ id: string; credentialId: string }>;
  const phone = listed.find((p) => p.credentialId === alice.credentials[0]!.id)!;
  expectStatus(await a.server.main.backend('PATCH', `/users/${aliceId}/passkeys/${phone.id}`, { name: ALICE_LABEL }), 200);
  exported = join(dir, 'passkeys.jsonl');
}, SLOW);
afterAll(async () => {
  killAllCliProcesses();
  for (const server of servers) {
    expect(errorLogs(server)).toEqual([]);
    await server.close();
  }
  for (const database of databases) await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const cliOn = (db: string) => ({ db, cwd: dir });
const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
const usersOf = async (s: TestServer) => (await s.main.backend('GET', '/users')).body.users as Array<{ userID: string; identifier: string }>;

describe('export', () => {
  it('writes one JSON object per passkey with the user, key, counter, transports, AAGUID, backup flags and times', async () => {
    const summary = await runCliJson(['passkeys', 'export', '--project', a.server.main.project.id, '--out', exported], cliOn(a.db));
    expect(summary).toEqual({ projectId: a.server.main.project.id, exported: 3, out: exported });
    expect(statSync(exported).mode & 0o777).toBe(0o600);
    const rows = lines(exported);
    const aliceUser = (await usersOf(a.server)).find((u) => u.identifier === 'alice@example.com')!;
    const first = rows.find((r) => r.credentialId === alice.credentials[0]!.id);
    expect(first).toEqual({
      identifier: 'alice@example.com',
      userId: aliceUser.userID,
      webauthnId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      displayName: expect.any(String),
      credentialId: alice.credentials[0]!.id,
      publicKey: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      counter: 1,
      transports: ['internal', 'hybrid'],
      aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4',
      backupEligible: true,
      backupState: true,
      createdAt: expect.any(Number),
      lastUsedAt: expect.any(Number),
      name: ALICE_LABEL,
    });
    expect(rows.find((r) => r.credentialId === aliceKey.credentials[0]!.id)).toMatchObject({ backupEligible: false, backupState: false, transports: ['usb', 'nfc'], lastUsedAt: null, name: null });
  }, SLOW);
});

describe('import into a fresh store', () => {
  it('imports every passkey; the same authenticators log in against it and their tokens verify as the same users', async () => {
    const b = await serverWithUrl();
    const summary = await runCliJson(['passkeys', 'import', '--project', b.server.main.project.id, exported], cliOn(b.db));
    expect(summary).toMatchObject({ lines: 3, imported: 3, unchanged: 0, usersCreated: 2, invalid: 0, committed: true, errors: [] });

    const idsInA = await usersOf(a.server);
    for (const [authenticator, identifier] of [[alice, 'alice@example.com'], [aliceKey, 'alice@example.com'], [bob, 'bob@example.com']] as const) {
      const answer = await login(b.server.main, authenticator, identifier, { credentialId: authenticator.credentials[0]!.id });
      expectStatus(answer, 200);
      const verified = await verify(b.server.main, answer.body.signedPasskeyData);
      expect(verified.body).toMatchObject({ verificationResult: 'success', username: identifier, userID: idsInA.find((u) => u.identifier === identifier)!.userID });
    }
    // Discoverable login: the user handle the passkey carries leads to the imported user.
    expectStatus(await loginConditional(b.server.main, bob), 200);

    // The labels came along: the renamed passkey is named in B's list as in A's, the others are not.
    const labels = async (s: TestServer) => {
      const byCredential: Record<string, string | null> = {};
      for (const user of await usersOf(s)) {
        for (const p of (await s.main.backend('GET', `/users/${user.userID}/passkeys`)).body.passkeys as Array<{ credentialId: string; name: string | null }>) byCredential[p.credentialId] = p.name;
      }
      return byCredential;
    };
    const inB = await labels(b.server);
    expect(inB).toEqual(await labels(a.server));
    expect(inB[alice.credentials[0]!.id]).toBe(ALICE_LABEL);
    expect(inB[bob.credentials[0]!.id]).toBeNull();

    // Idempotent: the same file again adds nothing.
    const again = await importPasskeys(b.server.ctx, b.server.main.project.id, readFileSync(exported, 'utf8'));
    expect(again).toMatchObject({ lines: 3, imported: 0, unchanged: 3, usersCreated: 0, invalid: 0 });
  }, SLOW);

  it('a file with a bad line imports nothing, names each bad line, and exits 2; --skip-invalid imports the rest', async () => {
    const b = await serverWithUrl();
    const rows = lines(exported);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, [
      JSON.stringify(rows[0]),
      JSON.stringify({ ...rows[1], publicKey: Buffer.from('not cbor at all').toString('base64url') }),
      '{"identifier": ',
      JSON.stringify(rows[2]),
      JSON.stringify({ ...rows[2], credentialId: 'AAAA', aaguid: 'x' }),
    ].join('\n'));
    const refused = await runCli(['passkeys', 'import', '--project', b.server.main.project.id, bad], cliOn(b.db));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('line 2: publicKey: not a COSE key');
    expect(refused.stderr).toContain('line 3: not a JSON object');
    expect(refused.stderr).toContain('line 5: credentialId: 3 bytes');
    expect(refused.stderr).toMatch(/3 of 5 lines are invalid, so nothing was imported/);
    expect(await usersOf(b.server)).toEqual([]);

    const dryRun = await importPasskeys(b.server.ctx, b.server.main.project.id, readFileSync(bad, 'utf8'), { skipInvalid: true, dryRun: true });
    expect(dryRun).toMatchObject({ imported: 2, invalid: 3, committed: false, dryRun: true });
    expect(await usersOf(b.server)).toEqual([]);

    const skipped = await runCli(['passkeys', 'import', '--project', b.server.main.project.id, '--skip-invalid', '--json', bad], cliOn(b.db));
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ lines: 5, imported: 2, invalid: 3, committed: true });
    expect(skipped.stderr).toContain('line 2: publicKey: not a COSE key');
    // The first line's passkey (rows are in passkey id order) was imported and logs in.
    const owner = [alice, aliceKey, bob].find((x) => x.credentials[0]!.id === rows[0].credentialId)!;
    expectStatus(await login(b.server.main, owner, rows[0].identifier, { credentialId: rows[0].credentialId }), 200);
  }, SLOW);

  it('refuses an unreadable file with exit 2', async () => {
    const missing = await runCli(['passkeys', 'import', '--project', a.server.main.project.id, join(dir, 'nope.jsonl')], cliOn(a.db));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^latchkey: .*cannot read .*nope\.jsonl/);
  }, SLOW);
});

describe('import rules (service level)', () => {
  it('a credential id another user holds is an error line, and nothing is imported', async () => {
    const b = await serverWithUrl();
    const rows = lines(exported);
    const first = rows[0];
    await importPasskeys(b.server.ctx, b.server.main.project.id, JSON.stringify(first));
    const stolen = { ...first, identifier: 'mallory@example.com', userId: undefined, webauthnId: 'c364a852-0071-70a4-0fe8-ed5728aa9522' };
    const summary = await importPasskeys(b.server.ctx, b.server.main.project.id, [JSON.stringify(rows[2]), JSON.stringify(stolen)].join('\n'));
    expect(summary).toMatchObject({ imported: 1, invalid: 1, committed: false });
    expect(summary.errors).toEqual([{ line: 2, field: 'credentialId', message: 'this passkey is already registered to another user in this project' }]);
    expect((await usersOf(b.server)).map((u) => u.identifier)).toEqual([first.identifier]);
  }, SLOW);

  it('checks each line\'s name (label) by the rename rules: a bad one is an error naming its line and field; absent, null or padded ones import', async () => {
    const b = await serverWithUrl();
    const rows = lines(exported);
    const withName = (row: Record<string, unknown>, name: unknown) => JSON.stringify({ ...row, name });
    const refused = await importPasskeys(b.server.ctx, b.server.main.project.id, [
      withName(rows[0], 'x'.repeat(65)),
      withName(rows[1], 'bell\u0007'),
      withName(rows[2], '   '),
      JSON.stringify({ ...rows[2], credentialId: Buffer.alloc(16, 7).toString('base64url'), name: 42 }),
    ].join('\n'));
    expect(refused).toMatchObject({ lines: 4, imported: 0, invalid: 4, committed: false });
    expect(refused.errors).toEqual([
      { line: 1, field: 'name', message: 'is 65 characters long; at most 64 are accepted' },
      { line: 2, field: 'name', message: 'must not contain control, line-break or text-direction characters' },
      { line: 3, field: 'name', message: 'must not be empty (1 to 64 characters, after trimming spaces)' },
      { line: 4, field: 'name', message: 'must be a string of 1 to 64 characters' },
    ]);
    expect(await usersOf(b.server)).toEqual([]);

    // 64 characters (after trimming) is the longest accepted; a line without name, or with null, has none.
    const { name: _name, ...unnamed } = rows[1];
    const accepted = await importPasskeys(b.server.ctx, b.server.main.project.id, [withName(rows[0], `  ${'é'.repeat(64)}  `), JSON.stringify(unnamed), withName(rows[2], null)].join('\n'));
    expect(accepted).toMatchObject({ imported: 3, invalid: 0, committed: true });
    const stored = await b.server.ctx.store.db.selectFrom('credentials').select(['credential_id', 'name']).where('project_id', '=', b.server.main.project.id).execute();
    expect(Object.fromEntries(stored.map((r) => [r.credential_id, r.name]))).toEqual({
      [rows[0].credentialId]: 'é'.repeat(64),
      [rows[1].credentialId]: null,
      [rows[2].credentialId]: null,
    });
  }, SLOW);

  it('maps SimpleWebAuthn-style records: userHandle bytes (base64url) instead of webauthnId, no userId', async () => {
    const b = await serverWithUrl();
    const row = lines(exported).find((r) => r.credentialId === bob.credentials[0]!.id);
    const { webauthnId, userId: _userId, ...rest } = row;
    const line = { ...rest, userHandle: Buffer.from(webauthnId).toString('base64url') };
    const summary = await importPasskeys(b.server.ctx, b.server.main.project.id, JSON.stringify(line));
    expect(summary).toMatchObject({ imported: 1, usersCreated: 1, committed: true });
    expectStatus(await loginConditional(b.server.main, bob), 200);
    const binary = await importPasskeys(b.server.ctx, b.server.main.project.id, JSON.stringify({ ...line, credentialId: Buffer.alloc(16, 9).toString('base64url'), identifier: 'x@example.com', userHandle: Buffer.from([0xff, 0xfe, 0x00, 0x80]).toString('base64url') }));
    expect(binary.errors).toEqual([expect.objectContaining({ line: 1, field: 'userHandle' })]);
  }, SLOW);
});
