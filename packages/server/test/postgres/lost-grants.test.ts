import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, killAllCliProcesses, runCli } from '../helpers/cli-process.js';
import { errorLogs, startTestServer, storeFailuresCounted, type TestServer } from '../helpers/harness.js';
import { expectError, type HttpAnswer } from '../helpers/http-client.js';
import { adminQuery, freshPostgresDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../helpers/test-store.js';
import { waitUntil } from '../helpers/wait-until.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/store.js';

/**
 * A PostgreSQL role that loses its grants while Latchkey runs (an over-eager REVOKE, a changed
 * policy): every request that needs the database answers 503 `store_unavailable` with Retry-After
 * (never a 500), it is counted, `/readyz` says not ready, and service resumes when the grants are
 * back. `latchkey serve` with such a role, or with a database that does not exist, refuses to start
 * in one line (exit 4).
 */

const role = `latchkey_role_${randomBytes(4).toString('hex')}`;
let database: TestDatabase;
let roleUrl: string;
let server: TestServer;
let cwd: string;

/** A statement in the test database as its owner (the admin role). */
async function asOwner(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
const grant = () =>
  asOwner(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
const revoke = () => asOwner(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'latchkey-grants-'));
  await adminQuery(`CREATE ROLE ${role} LOGIN`);
  database = await freshPostgresDatabase();
  // The owner migrates; the service role only reads and writes rows (least privilege).
  const owner = openStore(database.url);
  await migrateToLatest(owner);
  await owner.close();
  await asOwner(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await grant();
  const url = new URL(database.url);
  url.username = role;
  roleUrl = url.toString();
  server = await startTestServer({ databaseUrl: roleUrl });
});
afterAll(async () => {
  killAllCliProcesses();
  await server?.close();
  await database.drop();
  await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  rmSync(cwd, { recursive: true, force: true });
});

function expectRefused(answer: HttpAnswer): void {
  expectError(answer, 503, 'store_unavailable');
  expect(answer.headers.get('retry-after')).toBe('1');
}

describe('a role whose grants are revoked under a running server', () => {
  it('answers 503 store_unavailable, counts it, is not ready; recovers when the grants are back', async () => {
    expect((await server.request('GET', '/readyz')).status).toBe(200);
    expect((await server.main.frontend('/login/init', {})).status).toBe(200);
    const countedBefore = await storeFailuresCounted(server);

    await revoke();
    expectRefused(await server.main.frontend('/login/init', {}));
    expectRefused(await server.main.backend('GET', '/users'));
    const ready = await waitUntil('/readyz says not ready', async () => {
      const answer = await server.request('GET', '/readyz');
      return answer.status === 503 ? answer : undefined;
    });
    expectRefused(ready);
    expect(ready.body.error.message).toMatch(/not ready: the database refuses access to the configured role/);
    expect(await storeFailuresCounted(server)).toBeGreaterThanOrEqual(countedBefore + 2);
    expect((await server.request('GET', '/healthz')).status).toBe(200);

    await grant();
    await waitUntil('/readyz says ready again', async () => ((await server.request('GET', '/readyz')).status === 200 ? true : undefined));
    expect((await server.main.frontend('/login/init', {})).status).toBe(200);
    expect(errorLogs(server)).toEqual([]);
  });
});

describe('latchkey serve refuses to start', () => {
  it('with a role that has lost its grants: exit 4, "refuses access"', async () => {
    await revoke();
    try {
      const run = await runCli(['serve'], { db: roleUrl, cwd, env: { LATCHKEY_PORT: '0' } });
      expectRefusal(run, 4, /the database refuses access to the configured role .*permission denied.*; grant the role/);
    } finally {
      await grant();
    }
  });

  it('on a database that does not exist: exit 4, naming it', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/latchkey_missing_${randomBytes(4).toString('hex')}`;
    const run = await runCli(['serve'], { db: url.toString(), cwd, env: { LATCHKEY_PORT: '0' } });
    expectRefusal(run, 4, new RegExp(`the database does not exist .*database "${url.pathname.slice(1)}" does not exist.*createdb`));
  });
});
