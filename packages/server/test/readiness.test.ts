import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { SoftAuthenticator } from '@latchkey/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPasskey, expectStatus, login } from './helpers/ceremonies.js';
import { startTestServer, type TestServer } from './helpers/harness.js';
import { expectError, projectClient } from './helpers/http-client.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';
import { waitUntil } from './helpers/wait-until.js';

/**
 * `/readyz` says ready only when a login would work: the store takes a committed write and the
 * active signing key opens. A client that hangs up mid-upload is its own event, not an outage.
 * (Faults of real files and file systems: test/sqlite/store-faults.test.ts; a PostgreSQL role
 * that loses its grants: test/postgres/lost-grants.test.ts.)
 */

describe('the signing key a login needs', () => {
  const kek = new Uint8Array(randomBytes(32));
  let database: TestDatabase;
  let withKey: TestServer;
  const identifier = 'kek@example.com';
  const authenticator = new SoftAuthenticator();

  beforeAll(async () => {
    database = await freshDatabase();
    // An instance with the key-encryption key creates the project: its signing key is encrypted.
    withKey = await startTestServer({ databaseUrl: database.url, keyEncryptionKey: kek });
    expectStatus(await appendPasskey(withKey.main, authenticator, identifier), 200);
  });
  afterAll(async () => {
    await withKey.close();
    await database.drop();
  });

  it('an instance without the key-encryption key is not ready, and its logins get 503, not 500', async () => {
    const without = await startTestServer({ databaseUrl: database.url });
    try {
      const ready = await without.request('GET', '/readyz');
      expectError(ready, 503, 'key_encryption_key_missing');
      expect(ready.headers.get('retry-after')).toBe('1');
      expect(ready.body.error.message).toMatch(/LATCHKEY_KEY_ENCRYPTION_KEY/);
      const main = projectClient(without.url, withKey.main.project, withKey.main.secret);
      expectError(await login(main, authenticator, identifier), 503, 'key_encryption_key_missing');
      // The instance with the key is ready and logs in.
      expect((await withKey.request('GET', '/readyz')).body).toMatchObject({ status: 'ready', checks: { store: 'ok', signingKey: 'ok' } });
      expectStatus(await login(withKey.main, authenticator, identifier), 200);
    } finally {
      await without.close();
    }
  });

  it('an instance with a different key-encryption key is not ready either', async () => {
    const wrong = await startTestServer({ databaseUrl: database.url, keyEncryptionKey: new Uint8Array(randomBytes(32)) });
    try {
      expectError(await wrong.request('GET', '/readyz'), 503, 'key_encryption_key_wrong');
      const main = projectClient(wrong.url, withKey.main.project, withKey.main.secret);
      expectError(await login(main, authenticator, identifier), 503, 'key_encryption_key_wrong');
    } finally {
      await wrong.close();
    }
  });
});

describe('a client that hangs up in the middle of its upload', () => {
  let server: TestServer;
  beforeAll(async () => {
    // At debug, a request's arrival is logged: the test knows when the server has the request.
    server = await startTestServer({ logLevel: 'debug' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is no store outage: no failure counted, no warning logged', async () => {
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const head = [
      'POST /v2/connect/login/init HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      'Content-Length: 2000',
      'Origin: http://localhost:3000',
      `X-Project-ID: ${server.main.project.id}`,
    ];
    const logsBefore = server.logs.length;
    // Half the body, then a reset (ECONNRESET on the server's side).
    await new Promise<void>((resolve) => socket.write(`${head.join('\r\n')}\r\n\r\n{"identifier":"${'a'.repeat(900)}`, () => resolve()));
    await waitUntil('the server has the request', async () => (server.logs.slice(logsBefore).some((l) => l.msg === 'incoming request') ? true : undefined));
    socket.resetAndDestroy();

    const aborted = await waitUntil('the server has handled the hang-up', async () =>
      server.logs.slice(logsBefore).find((l) => l.code === 'request_aborted'),
    );
    expect(aborted.level).toBe(30); // info: nothing for the operator to do
    expect(server.logs.slice(logsBefore).filter((l) => l.level >= 40)).toEqual([]);
    const metrics = (await server.request('GET', '/metrics')).body as string;
    expect(metrics).not.toMatch(/^latchkey_store_failures_total\{[^}]*\} [1-9]/m);
    expect((await server.request('GET', '/readyz')).status).toBe(200);
  });
});
