import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/http/free-port.js';
import { startHoldingProxy } from '../src/http/holding-proxy.js';
import { startStaticServer, type StaticServer } from '../src/http/static-server.js';

/** The small servers browser suites put pages and slowness behind. */
const pages: Record<string, string> = { '/': '<p>home</p>' };
let dir: string;
let site: StaticServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-test-support-'));
  await writeFile(join(dir, 'bundle.js'), 'export const answer = 42;');
  site = await startStaticServer(pages, { '/assets/': `${dir}/` });
});
afterAll(async () => {
  await site?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('startStaticServer', () => {
  it('serves pages on localhost, uncached, including pages added after the start', async () => {
    expect(site.origin).toMatch(/^http:\/\/localhost:\d+$/);
    const home = await fetch(`${site.origin}/`);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(home.headers.get('cache-control')).toBe('no-store');
    expect(await home.text()).toBe('<p>home</p>');
    pages['/later'] = '<p>later</p>';
    expect(await (await fetch(`${site.origin}/later`)).text()).toBe('<p>later</p>');
  });

  it('serves files below a directory with their type; anything else is 404', async () => {
    const file = await fetch(`${site.origin}/assets/bundle.js`);
    expect(file.headers.get('content-type')).toBe('text/javascript');
    expect(await file.text()).toBe('export const answer = 42;');
    expect((await fetch(`${site.origin}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${site.origin}/nowhere`)).status).toBe(404);
  });
});

describe('startHoldingProxy', () => {
  it('holds each request for holdMs, then forwards it; CORS preflights pass at once', async () => {
    const proxy = await startHoldingProxy(site.origin.replace('localhost', '127.0.0.1'), 300);
    try {
      let started = Date.now();
      expect(await (await fetch(`${proxy.url}/`)).text()).toBe('<p>home</p>');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(proxy.held).toBe(1);
      started = Date.now();
      await fetch(`${proxy.url}/`, { method: 'OPTIONS' });
      expect(Date.now() - started).toBeLessThan(290);
      expect(proxy.held).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('startHoldingProxy with answerStatus', () => {
  it('answers every request but preflights at once with that status, in the error shape, readable by the calling origin', async () => {
    const proxy = await startHoldingProxy(site.origin.replace('localhost', '127.0.0.1'), 60_000);
    proxy.answerStatus = 503;
    try {
      const answer = await fetch(`${proxy.url}/`, { method: 'POST', headers: { origin: 'http://localhost:1' }, body: '{}' });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:1');
      expect(await answer.json()).toMatchObject({ error: { code: 'store_unavailable' } });
      expect(proxy.held).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('freePort', () => {
  it('is a port nothing listens on', async () => {
    const port = await freePort();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
