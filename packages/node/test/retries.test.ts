import { startLatchkey, type TestLatchkey } from '@latchkey/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, LatchkeyApiError, LatchkeyNetworkError, LatchkeyTimeoutError } from '../src/index.js';
import { freshToken } from './helpers/ceremonies.js';
import { shuttingDown, startFront, startSilentServer, type FrontAction } from './helpers/http-servers.js';
import { clientFor, VERIFY } from './helpers/latchkey.js';

/**
 * Retries: 503 and "no answer" only, with backoff; never a definitive answer. A real Latchkey sits
 * behind a real HTTP server in front that plays the failing part (an instance draining, a lost
 * answer); counts are taken on both sides.
 */
let latchkey: TestLatchkey;

beforeAll(async () => {
  latchkey = await startLatchkey();
});
afterAll(() => latchkey.close());

const caught = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);
const through = (url: string, extra: { retries?: number; timeoutMs?: number } = {}) =>
  createClient({ baseUrl: url, projectId: latchkey.project.id, apiSecret: latchkey.project.apiSecret, ...extra });

describe('503', () => {
  it('is retried until an instance answers', async () => {
    const token = await freshToken(latchkey, 'ada@example.com');
    const front = await startFront(latchkey.url, (n) => (n <= 2 ? shuttingDown() : { kind: 'proxy' }));
    try {
      const before = latchkey.count(...VERIFY);
      expect((await through(front.url).verifySignedData(token)).verificationResult).toBe('success');
      expect(front.count(...VERIFY)).toBe(3);
      expect(latchkey.count(...VERIFY)).toBe(before + 1);
    } finally {
      await front.close();
    }
  });

  it('after the last retry, throws the 503 with its code and the number of attempts', async () => {
    const front = await startFront(latchkey.url, () => shuttingDown());
    try {
      const error = await caught(through(front.url, { retries: 3 }).users.list());
      expect(error).toBeInstanceOf(LatchkeyApiError);
      expect(error).toMatchObject({ status: 503, code: 'shutting_down', attempts: 4, requestId: 'req_FRONT000000000000000' });
      expect(front.count('GET', '/v2/users')).toBe(4);
    } finally {
      await front.close();
    }
  });

  it('is not retried with retries: 0', async () => {
    const front = await startFront(latchkey.url, () => shuttingDown());
    try {
      expect(await caught(through(front.url, { retries: 0 }).users.list())).toMatchObject({ status: 503, attempts: 1 });
      expect(front.received).toHaveLength(1);
    } finally {
      await front.close();
    }
  });

  it('honours Retry-After', async () => {
    const front = await startFront(latchkey.url, (n) => (n === 1 ? shuttingDown({ 'retry-after': '1' }) : { kind: 'proxy' }));
    try {
      await through(front.url).users.list();
      expect(front.times).toHaveLength(2);
      expect(front.times[1]! - front.times[0]!).toBeGreaterThanOrEqual(950);
    } finally {
      await front.close();
    }
  });
});

describe('definitive answers are never retried', () => {
  const cases: Array<[string, FrontAction | 'wrong-secret']> = [
    ['a 401 from Latchkey', 'wrong-secret'],
    ['a 429', { kind: 'answer', status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify({ error: { code: 'rate_limited', message: 'slow down', requestId: 'req_1' } }) }],
    ['a 500', { kind: 'answer', status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'internal_error', message: 'oops', requestId: 'req_2' } }) }],
    ['a 502 page', { kind: 'answer', status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' }],
  ];
  for (const [name, action] of cases) {
    it(name, async () => {
      const front = await startFront(latchkey.url, () => (action === 'wrong-secret' ? { kind: 'proxy' } : action));
      try {
        const client = createClient({ baseUrl: front.url, projectId: latchkey.project.id, apiSecret: action === 'wrong-secret' ? 'latchkey1_wrong' : latchkey.project.apiSecret, retries: 3 });
        expect(await caught(client.verifySignedData('a.b.c'))).toMatchObject({ name: 'LatchkeyApiError', attempts: 1 });
        expect(front.count(...VERIFY)).toBe(1);
      } finally {
        await front.close();
      }
    });
  }

  it('a refusal verdict (200) is returned as is', async () => {
    const front = await startFront(latchkey.url, () => ({ kind: 'proxy' }));
    try {
      expect((await through(front.url, { retries: 3 }).verifySignedData('a.b.c')).verificationResult).toBe('invalidSignature');
      expect(front.count(...VERIFY)).toBe(1);
    } finally {
      await front.close();
    }
  });
});

describe('no answer', () => {
  it('a refused connection is retried until the server is back', async () => {
    const own = await startLatchkey();
    const token = await freshToken(own, 'bea@example.com');
    const { port, databaseUrl, project } = own;
    await own.close({ keepData: true });
    let restarted: TestLatchkey | undefined;
    try {
      const client = createClient({ baseUrl: own.url, projectId: project.id, apiSecret: project.apiSecret, retries: 6 });
      const verdict = client.verifySignedData(token);
      await new Promise((resolve) => setTimeout(resolve, 300));
      restarted = await startLatchkey({ port, databaseUrl, project });
      expect((await verdict).verificationResult).toBe('success');
      expect(restarted.count(...VERIFY)).toBe(1);
    } finally {
      await restarted?.close();
    }
  });

  it('a refused connection, retries exhausted, is a LatchkeyNetworkError with the attempts', async () => {
    const own = await startLatchkey();
    await own.close();
    const error = await caught(clientFor(own, own.project, { retries: 2 }).users.list());
    expect(error).toBeInstanceOf(LatchkeyNetworkError);
    expect(error).toMatchObject({ attempts: 3 });
  });

  it('a timed-out attempt is retried, each attempt with its own timeout', async () => {
    const silent = await startSilentServer();
    try {
      const error = await caught(through(silent.url, { retries: 1, timeoutMs: 200 }).users.list());
      expect(error).toBeInstanceOf(LatchkeyTimeoutError);
      expect(error).toMatchObject({ attempts: 2, timeoutMs: 200 });
      expect(silent.received).toEqual(['GET /v2/users', 'GET /v2/users']);
    } finally {
      await silent.close();
    }
  });

  it('an answer lost after the server spent the token makes the retry say alreadyUsed: refused, never a second success', async () => {
    const token = await freshToken(latchkey, 'cleo@example.com');
    const front = await startFront(latchkey.url, (n) => (n === 1 ? { kind: 'proxy-then-drop' } : { kind: 'proxy' }));
    try {
      const before = latchkey.count(...VERIFY);
      expect(await through(front.url).verifySignedData(token)).toEqual({ verificationResult: 'alreadyUsed', userID: '', username: '' });
      expect(latchkey.count(...VERIFY)).toBe(before + 2);
      // The server's trail shows what happened: verified once, then refused as alreadyUsed.
      const user = await clientFor(latchkey).users.findByIdentifier('cleo@example.com');
      const events = await clientFor(latchkey).passkeyEvents.list({ userID: user!.userID });
      expect(events.passkeyEvents.map((e) => e.type).slice(-2)).toEqual(['token-verified', 'token-refused']);
    } finally {
      await front.close();
    }
  });
});
