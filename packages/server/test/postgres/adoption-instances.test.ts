import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/projects/project.js';
import { rolloutBucket } from '../../src/adoption/decisions/rollout-bucket.js';
import { expectStatus } from '../helpers/ceremonies.js';
import { ENTRY, killAllCliProcesses, runCliJson, serveCli, type RunOptions, type Served } from '../helpers/cli-process.js';
import { projectClient, type TestProject } from '../helpers/http-client.js';
import { freshPostgresDatabase, type TestDatabase } from '../helpers/test-store.js';

/**
 * The adoption policy across two `latchkey serve` processes on one PostgreSQL database: a kill
 * switch set through one instance is obeyed by the other within its 5 s cache, and a user's
 * rollout side is the same on both and after a restart.
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
  dir = mkdtempSync(join(tmpdir(), 'latchkey-adoption-'));
  options = { db: database.url, cwd: dir };
  a = await serveCli([], options);
  b = await serveCli([], options);
  const created = await runCliJson<{ projectId: string; apiSecret: string; project: Project }>(
    ['project', 'create', '--name', 'Adoption', '--rp-id', 'localhost', '--origin', 'http://localhost:3000'],
    options,
  );
  atA = projectClient(a.url, created.project, created.apiSecret);
  atB = projectClient(b.url, created.project, created.apiSecret);
}, 120_000);

afterAll(async () => {
  try {
    for (const served of [a, b]) if (served) expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  } finally {
    killAllCliProcesses();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  }
});

/** Asks `p` until `done` holds (an instance may serve its cached policy for up to 5 s). */
async function eventually<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await ask();
  for (const until = Date.now() + 20_000; !done(value) && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 200));
    value = await ask();
  }
  return value;
}

/** The side of the append rollout each of `identifiers` is on, as `p` answers append/init. */
async function appendSides(p: TestProject, identifiers: string[]): Promise<boolean[]> {
  const sides: boolean[] = [];
  for (const identifier of identifiers) {
    const token = await p.backend('POST', '/connectTokens', { type: 'passkey-append', data: { identifier } });
    expectStatus(token, 201);
    const init = await p.frontend('/append/init', { connectToken: token.body.secret, clientInfo: { webauthn: true, platformAuthenticator: true } });
    expectStatus(init, 200);
    sides.push(!init.body.decisionTags.includes('rollout-excluded'));
  }
  return sides;
}

describe('the adoption policy on several instances', () => {
  it('a login kill switch set through A is obeyed by B within seconds, and lifted the same way', async () => {
    // B has read (and cached) the policy before the change.
    expect((await atB.frontend('/login/init', {})).body.loginAllowed).toBe(true);
    expectStatus(await atA.backend('PATCH', '/policy', { login: { enabled: false } }), 200);
    const killed = await eventually(() => atB.frontend('/login/init', {}), (answer) => answer.body.loginAllowed === false);
    expect(killed.body.decisionTags).toContain('login-kill-switch');
    expectStatus(await atA.backend('PATCH', '/policy', { login: { enabled: true } }), 200);
    const back = await eventually(() => atB.frontend('/login/init', {}), (answer) => answer.body.loginAllowed === true);
    expect(back.body.decisionTags).not.toContain('login-kill-switch');
  }, 90_000);

  it('a user is on the same side of the rollout at A, at B, after a restart of A, and as the hash says', async () => {
    expectStatus(await atA.backend('PATCH', '/policy', { append: { rolloutPercent: 50 } }), 200);
    const identifiers = Array.from({ length: 12 }, (_, i) => `roll-${i}@example.com`);
    await appendSides(atA, identifiers); // creates the users
    const users = await atA.backend('GET', '/users?limit=500');
    const expected = identifiers.map((identifier) => {
      const user = users.body.users.find((u: { identifier: string }) => u.identifier === identifier);
      return rolloutBucket(atA.project.id, 'append', user.userID) < 50;
    });
    // Both sides occur: the percentage really splits users.
    expect(new Set(expected)).toEqual(new Set([true, false]));
    const same = (sides: boolean[]) => JSON.stringify(sides) === JSON.stringify(expected);
    // B may answer from its cached policy (100 %) for up to 5 s; then both agree with the hash.
    expect(await eventually(() => appendSides(atA, identifiers), same)).toEqual(expected);
    expect(await eventually(() => appendSides(atB, identifiers), same)).toEqual(expected);

    expect(await a.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    a = await serveCli([], options);
    atA = projectClient(a.url, atA.project, atA.secret);
    expect(await appendSides(atA, identifiers)).toEqual(expected);
  }, 120_000);
});
