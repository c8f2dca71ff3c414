import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLatchkey, TEST_ORIGIN, type TestLatchkey } from '../src/latchkey/start-latchkey.js';
import { claimsOf, headerOf } from '../src/tokens/claims-of.js';

/** The test Latchkey every SDK suite starts from: a real server, its project's secret, its clock. */
let latchkey: TestLatchkey;
beforeAll(async () => {
  latchkey = await startLatchkey();
});
afterAll(() => latchkey?.close());

describe('startLatchkey', () => {
  it('starts a real server with a project whose API secret the Backend API accepts', async () => {
    expect(latchkey.url).toBe(`http://127.0.0.1:${latchkey.port}`);
    expect(latchkey.project).toMatchObject({ id: expect.stringMatching(/^pro-\d{19}$/), apiSecret: expect.stringMatching(/^latchkey1_/), origins: [TEST_ORIGIN] });
    expect(await latchkey.project.backend('GET', '/users')).toMatchObject({ status: 200 });
    const wrong = await fetch(`${latchkey.url}/v2/users`, { headers: { authorization: `Basic ${Buffer.from(`${latchkey.project.id}:latchkey1_wrong`).toString('base64')}` } });
    expect(wrong.status).toBe(401);
  });

  it('makes connect tokens, and counts the requests it received', async () => {
    const before = latchkey.count('POST', '/v2/connectTokens');
    expect(await latchkey.project.connectToken('passkey-append', 'ann@example.com')).toMatch(/^ctk1_/);
    await expect(latchkey.project.connectToken('passkey-list', 'nobody@example.com')).rejects.toThrow(/HTTP 404/);
    expect(latchkey.count('POST', '/v2/connectTokens')).toBe(before + 2);
    expect(latchkey.received.at(-1)).toBe('POST /v2/connectTokens');
  });

  it('adds projects with their own origins and secrets', async () => {
    const other = await latchkey.addProject({ origins: ['http://localhost:4321'], tokenTtl: 120 });
    expect(other.id).not.toBe(latchkey.project.id);
    expect(other.origins).toEqual(['http://localhost:4321']);
    expect(other.apiSecret).not.toBe(latchkey.project.apiSecret);
    expect((await other.backend('GET', '/users')).status).toBe(200);
  });

  it('runs on a clock the test moves', async () => {
    const expires = async () =>
      (await latchkey.project.backend<{ expires: number }>('POST', '/connectTokens', { type: 'passkey-append', data: { identifier: 'cleo@example.com' } })).body.expires;
    const now = await expires();
    latchkey.clock.advance(3600);
    try {
      expect((await expires()) - now).toBeGreaterThanOrEqual(3600);
    } finally {
      latchkey.clock.reset();
    }
    expect((await expires()) - now).toBeLessThan(60);
  });

  it('restarts on the same port and database with keepData, the project and its secret intact', async () => {
    const own = await startLatchkey({ backendRateLimit: 1 });
    const { port, databaseUrl, project } = own;
    await own.project.connectToken('passkey-append', 'bea@example.com');
    expect((await own.project.backend('GET', '/users')).status).toBe(429); // the limit applies
    await own.close({ keepData: true });
    const again = await startLatchkey({ port, databaseUrl, project });
    try {
      expect(again.url).toBe(own.url);
      expect(again.project.id).toBe(project.id);
      const { status, body } = await again.project.backend<{ users: Array<{ identifier: string }> }>('GET', '/users');
      expect(status).toBe(200);
      expect(body.users.map((u) => u.identifier)).toEqual(['bea@example.com']);
    } finally {
      await again.close();
      await rm(own.dir, { recursive: true, force: true }); // kept by close({ keepData: true })
    }
  });

  it('fails to start on a port that is taken', async () => {
    await expect(startLatchkey({ port: latchkey.port })).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is already in use/);
  });
});

describe('claimsOf, headerOf', () => {
  it('read a JWS without checking it', () => {
    const token = `${Buffer.from('{"alg":"RS256","kid":"k1"}').toString('base64url')}.${Buffer.from('{"sub":"usr-1"}').toString('base64url')}.sig`;
    expect(claimsOf(token)).toEqual({ sub: 'usr-1' });
    expect(headerOf(token)).toEqual({ alg: 'RS256', kid: 'k1' });
  });
});
