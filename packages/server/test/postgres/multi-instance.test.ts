import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoftAuthenticator } from '@latchkey/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/projects/project.js';
import { claimsOf, expectStatus, signedPasskeyData, verify } from '../helpers/ceremonies.js';
import { ENTRY, killAllCliProcesses, runCliJson, serveCli, type RunOptions, type Served } from '../helpers/cli-process.js';
import { projectClient, type TestProject } from '../helpers/http-client.js';
import { freshPostgresDatabase, type TestDatabase } from '../helpers/test-store.js';

/**
 * Two `latchkey serve` processes on one PostgreSQL database, as behind a load balancer: nothing a
 * ceremony or a verification needs lives in either process, so any step may land on either one.
 */

let database: TestDatabase;
let dir: string;
let options: RunOptions;
let a: Served;
let b: Served;
let atA: TestProject;
let atB: TestProject;

beforeAll(async () => {
  expect(ENTRY).toBeTruthy();
  database = await freshPostgresDatabase();
  dir = mkdtempSync(join(tmpdir(), 'latchkey-multi-'));
  options = { db: database.url, cwd: dir };
  // Both start at once on an empty database: Kysely's migration lock lets one migrate, the other wait.
  [a, b] = await Promise.all([serveCli([], options), serveCli([], options)]);
  const created = await runCliJson<{ projectId: string; apiSecret: string; project: Project }>(
    ['project', 'create', '--name', 'Two instances', '--rp-id', 'localhost', '--origin', 'http://localhost:3000'],
    options,
  );
  atA = projectClient(a.url, created.project, created.apiSecret);
  atB = projectClient(b.url, created.project, created.apiSecret);
});

afterAll(async () => {
  try {
    for (const served of [a, b]) if (served) expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  } finally {
    killAllCliProcesses();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  }
});

describe('several instances on one PostgreSQL', () => {
  it('both instances started together on an empty database are ready', async () => {
    expect(a.url).not.toBe(b.url);
    for (const served of [a, b]) expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
  });

  it('a passkey appended through instance A (start) and B (finish) logs in through B (start) and A (finish)', async () => {
    const authenticator = new SoftAuthenticator();
    const identifier = 'across@example.com';
    const created = await atA.backend('POST', '/connectTokens', { type: 'passkey-append', data: { identifier, displayName: 'Across' } });
    expectStatus(created, 201);
    const init = await atA.frontend('/append/init', { connectToken: created.body.secret });
    const start = await atA.frontend('/append/start', { processId: init.body.processId });
    expectStatus(start, 200);
    const attestationResponse = authenticator.createCredential(start.body.attestationOptions, { origin: 'http://localhost:3000' });
    const finished = await atB.frontend('/append/finish', { processId: init.body.processId, attestationResponse });
    expectStatus(finished, 200);
    // The connect token was spent at B: A refuses it now.
    const again = await atA.frontend('/append/init', { connectToken: created.body.secret });
    expect(again.status).toBe(409);

    const loginInit = await atB.frontend('/login/init', {});
    const loginStart = await atB.frontend('/login/start', { processId: loginInit.body.processId, identifier });
    expect(loginStart.body.status).toBe('ok');
    const assertionResponse = authenticator.getAssertion(loginStart.body.assertionOptions, { origin: 'http://localhost:3000' });
    const loggedIn = await atA.frontend('/login/finish', { processId: loginInit.body.processId, assertionResponse, isConditionalUI: false });
    expectStatus(loggedIn, 200);
    expect(claimsOf(loggedIn.body.signedPasskeyData).username).toBe(identifier);
    // The challenge was answered at A; B will not take the same answer again.
    const replayed = await atB.frontend('/login/finish', { processId: loginInit.body.processId, assertionResponse, isConditionalUI: false });
    expect(replayed.status).toBe(409);
  });

  it('a token verified at A is alreadyUsed at B', async () => {
    const token = await signedPasskeyData(atA, new SoftAuthenticator(), 'verified-once@example.com');
    expect((await verify(atA, token)).body.verificationResult).toBe('success');
    expect((await verify(atB, token)).body.verificationResult).toBe('alreadyUsed');
  });

  it('the same token sent 100 times at once, spread over both instances, succeeds exactly once', async () => {
    const token = await signedPasskeyData(atB, new SoftAuthenticator(), 'hundred@example.com');
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => verify(i % 2 === 0 ? atA : atB, token)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const results = answers.map((answer) => answer.body.verificationResult as string);
    expect(results.filter((result) => result === 'success')).toHaveLength(1);
    expect(results.filter((result) => result === 'alreadyUsed')).toHaveLength(99);
  });

  it('a key rotated with the CLI signs at both instances from then on', async () => {
    const rotated = await runCliJson<{ active: string }>(['keys', 'rotate', '--project', atA.project.id], options);
    for (const at of [atA, atB]) {
      const token = await signedPasskeyData(at, new SoftAuthenticator(), `rotated-${at === atA ? 'a' : 'b'}@example.com`);
      const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };
      expect(header.kid).toBe(rotated.active);
      expect((await verify(at === atA ? atB : atA, token)).body.verificationResult).toBe('success');
    }
  });
});
