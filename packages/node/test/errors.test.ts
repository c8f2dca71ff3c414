import { freePort, startLatchkey, type TestLatchkey } from '@latchkey/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  LatchkeyApiError,
  LatchkeyError,
  LatchkeyNetworkError,
  LatchkeyTimeoutError,
  type LatchkeyClient,
} from '../src/index.js';
import { startFixedServer, startSilentServer, startStallingServer } from './helpers/http-servers.js';
import { clientFor, latchkeyWithClient, VERIFY } from './helpers/latchkey.js';

/** Each error class, produced by a real server (or a real socket) doing what it does in production. */
let latchkey: TestLatchkey;
let client: LatchkeyClient;

beforeAll(async () => ({ latchkey, client } = await latchkeyWithClient()));
afterAll(() => latchkey.close());

const caught = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);

describe('LatchkeyApiError', () => {
  it('401 for a wrong API secret, with the server’s code and request id', async () => {
    const wrong = createClient({ baseUrl: latchkey.url, projectId: latchkey.project.id, apiSecret: 'latchkey1_wrong' });
    const error = await caught(wrong.verifySignedData('a.b.c'));
    expect(error).toBeInstanceOf(LatchkeyApiError);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'LatchkeyApiError', status: 401, code: 'invalid_credentials', attempts: 1, retryAfterMs: undefined });
    expect((error as LatchkeyApiError).requestId).toMatch(/^req_[0-9A-Za-z]{20}$/);
    expect((error as Error).message).toMatch(/secret/);
    expect(latchkey.count(...VERIFY)).toBe(1);
  });

  it('401 for another project’s id with this secret', async () => {
    const other = await latchkey.addProject();
    const mixed = createClient({ baseUrl: latchkey.url, projectId: other.id, apiSecret: latchkey.project.apiSecret });
    expect(await caught(mixed.users.list())).toMatchObject({ status: 401, code: 'invalid_credentials' });
  });

  it('404 for an unknown user', async () => {
    expect(await caught(client.users.get('usr-1234567890123456789'))).toMatchObject({ name: 'LatchkeyApiError', status: 404, code: 'user_not_found' });
  });

  it('400 for input the server refuses', async () => {
    expect(await caught(client.users.list({ limit: 1000 }))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await caught(client.verifySignedData('x'.repeat(20_000)))).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('429 when rate limited, with retryAfterMs, and not retried', async () => {
    const limited = await startLatchkey({ backendRateLimit: 1 });
    try {
      const c = clientFor(limited);
      await c.users.list();
      const error = await caught(c.users.list());
      expect(error).toMatchObject({ status: 429, code: 'rate_limited', attempts: 1 });
      expect((error as LatchkeyApiError).retryAfterMs).toBeGreaterThan(0);
      expect(limited.count('GET', '/v2/users')).toBe(2);
    } finally {
      await limited.close();
    }
  });

  it('unexpected_response for a proxy’s HTML error page, with its status', async () => {
    const proxy = await startFixedServer(502, { 'content-type': 'text/html' }, '<html><body>Bad Gateway</body></html>');
    try {
      const c = createClient({ baseUrl: proxy.url, projectId: latchkey.project.id, apiSecret: 'x' });
      expect(await caught(c.users.list())).toMatchObject({ name: 'LatchkeyApiError', status: 502, code: 'unexpected_response', attempts: 1 });
      expect(proxy.received).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('unexpected_response for a 200 that is not JSON, or a verdict off the contract', async () => {
    const html = await startFixedServer(200, { 'content-type': 'text/html' }, '<html></html>');
    const odd = await startFixedServer(200, { 'content-type': 'application/json' }, JSON.stringify({ verificationResult: 'ok', userID: 'usr-1', username: 'x' }));
    try {
      const c1 = createClient({ baseUrl: html.url, projectId: latchkey.project.id, apiSecret: 'x' });
      expect(await caught(c1.users.list())).toMatchObject({ status: 200, code: 'unexpected_response' });
      const c2 = createClient({ baseUrl: odd.url, projectId: latchkey.project.id, apiSecret: 'x' });
      expect(await caught(c2.verifySignedData('a.b.c'))).toMatchObject({ status: 200, code: 'unexpected_response' });
    } finally {
      await html.close();
      await odd.close();
    }
  });

  it('a redirect is not followed (a redirected POST would lose its body)', async () => {
    const redirect = await startFixedServer(301, { location: `${latchkey.url}/v2/passkey/verifySignedData` }, '');
    try {
      const before = latchkey.count(...VERIFY);
      const c = createClient({ baseUrl: redirect.url, projectId: latchkey.project.id, apiSecret: latchkey.project.apiSecret });
      const error = await caught(c.verifySignedData('a.b.c'));
      expect(error).toMatchObject({ status: 301, code: 'unexpected_response' });
      expect((error as Error).message).toContain(latchkey.url);
      expect(latchkey.count(...VERIFY)).toBe(before);
    } finally {
      await redirect.close();
    }
  });
});

describe('LatchkeyNetworkError', () => {
  it('when nothing listens, with the cause', async () => {
    const port = await freePort();
    const c = createClient({ baseUrl: `http://127.0.0.1:${port}`, projectId: latchkey.project.id, apiSecret: 'x', retries: 0 });
    const error = await caught(c.users.list());
    expect(error).toBeInstanceOf(LatchkeyNetworkError);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ name: 'LatchkeyNetworkError', code: 'network_error', attempts: 1 });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe('LatchkeyTimeoutError', () => {
  it('when the server never answers', async () => {
    const silent = await startSilentServer();
    try {
      const c = createClient({ baseUrl: silent.url, projectId: latchkey.project.id, apiSecret: 'x', timeoutMs: 300, retries: 0 });
      const error = await caught(c.verifySignedData('a.b.c'));
      expect(error).toBeInstanceOf(LatchkeyTimeoutError);
      expect(error).toBeInstanceOf(LatchkeyError);
      expect(error).toMatchObject({ name: 'LatchkeyTimeoutError', code: 'timeout', attempts: 1, timeoutMs: 300 });
      expect(silent.received).toEqual(['POST /v2/passkey/verifySignedData']);
    } finally {
      await silent.close();
    }
  });

  it('when the answer’s body stalls after its headers', async () => {
    const stalling = await startStallingServer();
    try {
      const c = createClient({ baseUrl: stalling.url, projectId: latchkey.project.id, apiSecret: 'x', timeoutMs: 300, retries: 0 });
      expect(await caught(c.verifySignedData('a.b.c'))).toMatchObject({ code: 'timeout', attempts: 1 });
    } finally {
      await stalling.close();
    }
  });
});
