import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from './helpers/ceremonies.js';
import { killAllCliProcesses, runCli, runCliJson } from './helpers/cli-process.js';
import { consoleCall, consoleProjectOf } from './helpers/console.js';
import { startTestServer, type TestServer } from './helpers/harness.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';

/** `latchkey admin invite` as an operator runs it, redeemed by a server on the same store. */
let database: TestDatabase;
let server: TestServer;
let cwd: string;

beforeAll(async () => {
  database = await freshDatabase();
  server = await startTestServer({ databaseUrl: database.url });
  await consoleProjectOf(server);
  cwd = mkdtempSync(join(tmpdir(), 'latchkey-admin-'));
});

afterAll(async () => {
  killAllCliProcesses();
  await server?.close();
  await database?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('latchkey admin invite', () => {
  it('prints a single-use link under LATCHKEY_PUBLIC_URL that the console redeems once', async () => {
    const invite = await runCliJson(['admin', 'invite', 'Ops@Example.com', '--role', 'viewer'], { db: database.url, cwd, env: { LATCHKEY_PUBLIC_URL: 'https://latchkey.example.com' } });
    expect(invite).toMatchObject({ email: 'ops@example.com', role: 'viewer', link: expect.stringMatching(/^https:\/\/latchkey\.example\.com\/console\/#\/invite\/inv1_[0-9A-Za-z]{32}$/) });
    expect(invite.expiresAt - Date.now() / 1000).toBeGreaterThan(14 * 60);
    expect(invite.expiresAt - Date.now() / 1000).toBeLessThanOrEqual(15 * 60);
    const token = (invite.link as string).split('/').at(-1);
    expectStatus(await consoleCall(server, 'POST', '/invites/redeem', { body: { token } }), 200);
    expect((await consoleCall(server, 'POST', '/invites/redeem', { body: { token } })).status).toBe(410);
  });

  it('defaults to an owner and to http://localhost:<port>, and prints the link for a person', async () => {
    const run = await runCli(['admin', 'invite', 'first@example.com'], { db: database.url, cwd, env: { LATCHKEY_PORT: '4123' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Invite for first@example\.com \(owner\), single use, valid until .+:\nhttp:\/\/localhost:4123\/console\/#\/invite\/inv1_\w+\n/);
  });

  it('refuses a bad email, role or public URL in one line with exit code 2', async () => {
    for (const [args, env, reason] of [
      [['admin', 'invite', 'not-an-email'], {}, /expected an email address/],
      [['admin', 'invite', 'a@example.com', '--role', 'root'], {}, /expected one of owner, viewer/],
      [['admin', 'invite', 'a@example.com'], { LATCHKEY_PUBLIC_URL: 'https://example.com/latchkey' }, /LATCHKEY_PUBLIC_URL must be an origin/],
    ] as const) {
      const run = await runCli([...args], { db: database.url, cwd, env });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(reason);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  }, 120_000);
});
