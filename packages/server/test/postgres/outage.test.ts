import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoftAuthenticator } from '@latchkey/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectToken, expectStatus, login, signedPasskeyData, verify } from '../helpers/ceremonies.js';
import { runCli } from '../helpers/cli-process.js';
import { errorLogs, startTestServer, type TestServer } from '../helpers/harness.js';
import { expectError, type HttpAnswer } from '../helpers/http-client.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { adminQuery, freshPostgresDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../helpers/test-store.js';

/**
 * PostgreSQL away, hanging or dropping connections under a running server: requests get a 503 with
 * a clear code quickly (never a 500, never a hang), nothing is left half-written, and service
 * comes back by itself when the database does. The server reaches its database through a TCP
 * relay that the test can cut, stall and restore.
 */

const TIMEOUT_MS = 1000;
/** A bound that proves "no hang", not a speed target: the store's timeout plus generous slack. */
const ANSWERED_WITHIN_MS = TIMEOUT_MS * 2 + 3000;

let database: TestDatabase;
let proxy: TcpProxy;
let server: TestServer;

beforeAll(async () => {
  database = await freshPostgresDatabase();
  const target = new URL(POSTGRES_ADMIN_URL);
  proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) }).start();
  server = await startTestServer({ databaseUrl: proxy.urlFor(database.url), databaseTimeout: TIMEOUT_MS });
});
afterEach(async () => {
  await proxy.restore();
});
afterAll(async () => {
  // Warnings, yes (each 503 and each dropped connection is one); errors, never.
  expect(errorLogs(server)).toEqual([]);
  await server.close();
  await proxy.close();
  await database.drop();
});

async function timed(call: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
  const started = Date.now();
  const answer = await call();
  expect(Date.now() - started).toBeLessThan(ANSWERED_WITHIN_MS);
  return answer;
}

function expectStoreDown(answer: HttpAnswer, code: 'store_unavailable' | 'store_timeout'): void {
  expectError(answer, 503, code);
  expect(answer.headers.get('retry-after')).toBe('1');
}

/** Waits until the server answers /readyz 200 again on its own (no restart, no intervention). */
async function readyAgain(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await server.request('GET', '/readyz')).status !== 200) {
    if (Date.now() > deadline) throw new Error('the server did not become ready within 15 s of the database returning');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('when PostgreSQL goes away', () => {
  it('/readyz, the Frontend API and the Backend API answer 503 store_unavailable at once; service resumes when it is back', async () => {
    const token = await signedPasskeyData(server.main, new SoftAuthenticator(), 'outage@example.com');
    expect((await server.request('GET', '/readyz')).status).toBe(200);

    await proxy.cut();
    expectStoreDown(await timed(() => server.request('GET', '/readyz')), 'store_unavailable');
    expectStoreDown(await timed(() => server.main.frontend('/login/init', {})), 'store_unavailable');
    expectStoreDown(await timed(() => verify(server.main, token)), 'store_unavailable');
    // The process itself is fine: a load balancer sees it up but not ready.
    expect((await server.request('GET', '/healthz')).status).toBe(200);

    await proxy.restore();
    await readyAgain();
    // The token was never spent by the refused attempt: it verifies now, once.
    expect((await verify(server.main, token)).body.verificationResult).toBe('success');
    expect((await verify(server.main, token)).body.verificationResult).toBe('alreadyUsed');
    const metrics = await server.request('GET', '/metrics');
    expect(metrics.body).toMatch(/latchkey_store_failures_total\{code="store_unavailable"\} [1-9]/);
  });

  it('an append cut off at its finish leaves no passkey and its connect token unspent', async () => {
    const identifier = 'half-written@example.com';
    const authenticator = new SoftAuthenticator();
    const connect = await connectToken(server.main, 'passkey-append', identifier, 'Half');
    const started = await startAppendWith(connect);
    const response = authenticator.createCredential(started.attestationOptions, { origin: 'http://localhost:3000' });

    await proxy.cut();
    const cutOff = await timed(() => server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: response }));
    expectStoreDown(cutOff, 'store_unavailable');

    await proxy.restore();
    await readyAgain();
    const users = await server.main.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`);
    expectStatus(users, 200);
    const passkeys = await server.main.backend('GET', `/users/${users.body.users[0].userID}/passkeys`);
    expect(passkeys.body.passkeys).toEqual([]);
    // The same connect token still works: the user simply tries again.
    const retried = await startAppendWith(connect);
    const again = authenticator.createCredential(retried.attestationOptions, { origin: 'http://localhost:3000' });
    expectStatus(await server.main.frontend('/append/finish', { processId: retried.processId, attestationResponse: again }), 200);
    expectStatus(await login(server.main, authenticator, identifier), 200);
  });
});

async function startAppendWith(connect: string): Promise<{ processId: string; attestationOptions: any }> {
  const init = await server.main.frontend('/append/init', { connectToken: connect });
  expectStatus(init, 200);
  const start = await server.main.frontend('/append/start', { processId: init.body.processId });
  expectStatus(start, 200);
  return { processId: init.body.processId, attestationOptions: start.body.attestationOptions };
}

describe('when PostgreSQL hangs', () => {
  it('requests get 503 store_timeout within the configured timeout instead of piling up', async () => {
    await proxy.stall();
    expectStoreDown(await timed(() => server.request('GET', '/readyz')), 'store_timeout');
    const answers = await Promise.all(Array.from({ length: 5 }, () => timed(() => server.main.frontend('/login/init', {}))));
    for (const answer of answers) expectStoreDown(answer, 'store_timeout');

    await proxy.restore();
    await readyAgain();
    expectStatus(await server.main.frontend('/login/init', {}), 200);
  });
});

describe('when PostgreSQL terminates the connections', () => {
  it('pg_terminate_backend on every pooled connection: the server replaces them and keeps answering', async () => {
    // Warm the pool, then have the database kill every connection of this test database.
    await Promise.all(Array.from({ length: 5 }, () => server.main.frontend('/login/init', {})));
    const name = new URL(database.url).pathname.slice(1);
    const terminated = await adminQuery<{ pg_terminate_backend: boolean }>(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    expect(terminated.length).toBeGreaterThan(0);

    // Every answer is a success or a clear 503, never a 500; within a moment all are successes.
    const during = await Promise.all(Array.from({ length: 10 }, () => server.main.frontend('/login/init', {})));
    for (const answer of during) expect([200, 503]).toContain(answer.status);
    await readyAgain();
    const after = await Promise.all(Array.from({ length: 10 }, () => server.main.frontend('/login/init', {})));
    expect(after.map((answer) => answer.status)).toEqual(Array(10).fill(200));
  });
});

describe('an instance whose database is not there at all', () => {
  it('`latchkey serve` exits at start with a clear message instead of serving errors', async () => {
    const closed = new TcpProxy({ host: '127.0.0.1', port: 1 });
    await closed.start();
    const url = closed.urlFor(database.url);
    await closed.close(); // nothing listens on that port any more
    const cwd = mkdtempSync(join(tmpdir(), 'latchkey-outage-'));
    try {
      const run = await runCli(['serve'], { db: url, cwd, env: { LATCHKEY_PORT: '0', LATCHKEY_DATABASE_TIMEOUT: String(TIMEOUT_MS) } });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^latchkey: cannot reach the database .*LATCHKEY_DATABASE_URL/);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
