import { freePort, type StaticServer, type TestLatchkey, type VirtualAuthenticator } from '@latchkey/test-support';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSdkPage, startSdkSetup, type ClientConfig, type SdkSetup } from './helpers/sdk-page.js';

/**
 * What the SDK collects and sends for the adoption engine, in Chromium against a real Latchkey:
 * clientInfo, the device id, the coarse platform, conditional-create detection, one-tap storage
 * and the batched client events.
 */
let setup: SdkSetup;
let site: StaticServer, latchkey: TestLatchkey, browser: Browser, page: Page, config: ClientConfig, authenticator: VirtualAuthenticator;
/** Bodies of the requests the page sent, by path. */
let sent: { path: string; body: any }[] = [];

function record(target: Page): void {
  target.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (request.method() === 'POST' && url.pathname.startsWith('/v2/connect/')) sent.push({ path: url.pathname, body: JSON.parse(request.postData() ?? 'null') });
  });
}
const bodiesOf = (path: string): any[] => sent.filter((s) => s.path === path).map((s) => s.body);

beforeAll(async () => {
  setup = await startSdkSetup();
  ({ site, latchkey, browser, page, config, authenticator } = setup);
  record(page);
});
afterAll(() => setup?.close());
beforeEach(() => {
  sent = [];
});

describe('clientInfo', () => {
  it('is sent with login/init and append/init: capabilities, getClientCapabilities() verbatim, OS and browser family, the device id', async () => {
    await page.evaluate(async (config) => window.sdk.createLatchkey(config).login({ identifier: 'nobody@example.com' }), config);
    const token = await latchkey.project.connectToken('passkey-append', 'ci@example.com');
    await page.evaluate(async ({ config, token }) => window.sdk.createLatchkey(config).offerAppend(token).then(() => undefined), { config, token });
    const [login] = bodiesOf('/v2/connect/login/init');
    const [append] = bodiesOf('/v2/connect/append/init');
    expect(login.clientInfo).toEqual({
      deviceId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      webauthn: true,
      platformAuthenticator: true,
      conditionalGet: true,
      // Chromium 156 says so; see the conditional create tests for what its virtual authenticator does.
      conditionalCreate: true,
      hybridTransport: false,
      clientCapabilities: expect.objectContaining({ conditionalCreate: true, conditionalGet: true, passkeyPlatformAuthenticator: true }),
      osFamily: 'linux',
      browserFamily: 'chrome',
    });
    expect(Object.keys(login.clientInfo.clientCapabilities).length).toBeLessThanOrEqual(32);
    expect(JSON.stringify(login.clientInfo).length).toBeLessThan(4096);
    expect(append.clientInfo).toEqual(login.clientInfo);
    expect(append.connectToken).toBe(token);
  });

  it('keeps one random device id per browser profile (localStorage), and makes a new one when site data is cleared', async () => {
    const first = await page.evaluate(async (config) => (await window.sdk.createLatchkey(config).clientInfo()).deviceId, config);
    await openSdkPage(page, site.origin);
    const again = await page.evaluate(async (config) => (await window.sdk.createLatchkey(config).clientInfo()).deviceId, config);
    expect(again).toBe(first);
    expect(await page.evaluate(() => localStorage.getItem('latchkey:device-id'))).toBe(first);

    const other = await (await browser.newContext()).newPage();
    await openSdkPage(other, site.origin);
    const elsewhere = await other.evaluate(async (config) => (await window.sdk.createLatchkey(config).clientInfo()).deviceId, config);
    expect(elsewhere).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(elsewhere).not.toBe(first);

    await other.evaluate(() => localStorage.clear());
    await openSdkPage(other, site.origin);
    expect(await other.evaluate(async (config) => (await window.sdk.createLatchkey(config).clientInfo()).deviceId, config)).not.toBe(elsewhere);
    await other.context().close();
  });

  it('lets the app add or override keys with the clientInfo option', async () => {
    await page.evaluate(async (config) => window.sdk.createLatchkey({ ...config, clientInfo: { appVersion: '4.2', browserFamily: 'other' } }).login({ identifier: 'nobody@example.com' }), config);
    expect(bodiesOf('/v2/connect/login/init')[0].clientInfo).toMatchObject({ appVersion: '4.2', browserFamily: 'other', osFamily: 'linux', webauthn: true });
  });

  it('names only the OS and browser family, from client hints or the user agent', async () => {
    const cases = [
      [{ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1' }, 'ios', 'safari'],
      [{ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', maxTouchPoints: 5 }, 'ios', 'safari'],
      [{ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', maxTouchPoints: 0 }, 'macos', 'safari'],
      [{ userAgent: 'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36' }, 'android', 'samsung'],
      [{ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0' }, 'windows', 'firefox'],
      [{ userAgent: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' }, 'chromeos', 'chrome'],
      [{ userAgent: 'x', userAgentData: { platform: 'Windows', brands: [{ brand: 'Not.A/Brand' }, { brand: 'Microsoft Edge' }, { brand: 'Chromium' }] } }, 'windows', 'edge'],
      [{ userAgent: 'x', userAgentData: { platform: 'macOS', brands: [{ brand: 'Google Chrome' }] } }, 'macos', 'chrome'],
      [{ userAgent: 'curl/8.0' }, 'other', 'other'],
    ] as const;
    const families = await page.evaluate((cases) => cases.map(([nav]) => window.sdk.platformFamily(nav as unknown as Navigator)), cases as unknown as [object][]);
    expect(families).toEqual(cases.map(([, osFamily, browserFamily]) => ({ osFamily, browserFamily })));
  });
});

describe('conditional create, feature detection', () => {
  it('resolves unsupported before any request where the browser has no getClientCapabilities(), and reports it', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      delete (PublicKeyCredential as unknown as { getClientCapabilities?: unknown }).getClientCapabilities;
    });
    const older = await context.newPage();
    record(older);
    await openSdkPage(older, site.origin);
    const token = await latchkey.project.connectToken('passkey-append', 'old@example.com');
    const result = await older.evaluate(async ({ config, token }) => {
      const client = window.sdk.createLatchkey(config);
      const info = await client.clientInfo();
      const result = window.plain(await client.appendPasskey(token, { conditional: true }));
      await client.flushEvents();
      return { info, result };
    }, { config, token });
    expect(result.result).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(result.info).toMatchObject({ conditionalCreate: false, webauthn: true });
    expect(result.info).not.toHaveProperty('clientCapabilities');
    expect(bodiesOf('/v2/connect/append/init')).toEqual([]);
    expect(bodiesOf('/v2/connect/events')).toEqual([{ events: [expect.objectContaining({ type: 'conditional-create', result: 'unsupported', reason: 'browser', osFamily: 'linux' })] }]);
    await context.close();
  });
});

describe('one-tap storage', () => {
  it('reads and forgets the remembered account per project, and ignores junk in storage', async () => {
    const result = await page.evaluate((config) => {
      const client = window.sdk.createLatchkey(config);
      const other = window.sdk.createLatchkey({ ...config, projectId: 'pro-other' });
      const empty = client.lastAccount();
      localStorage.setItem(`latchkey:last-account:${config.projectId}`, JSON.stringify({ identifier: 'ann@example.com' }));
      const kept = client.lastAccount();
      const elsewhere = other.lastAccount();
      client.forgetLastAccount();
      const forgotten = client.lastAccount();
      localStorage.setItem(`latchkey:last-account:${config.projectId}`, '{not json');
      const junk = client.lastAccount();
      client.forgetLastAccount();
      return { empty, kept, elsewhere, forgotten, junk };
    }, config);
    expect(result).toEqual({ empty: null, kept: { identifier: 'ann@example.com' }, elsewhere: null, forgotten: null, junk: null });
  });
});

describe('client events', () => {
  it('batches what is reported together into one request, at most 20 events each, with device and platform', async () => {
    await page.evaluate(async (config) => {
      const client = window.sdk.createLatchkey(config);
      client.reportEvents([{ type: 'offer-shown', processId: 'p1' }]);
      client.reportEvents([{ type: 'offer-declined', processId: 'p1' }, { type: 'fallback', reason: 'noPasskey' }]);
      await client.flushEvents();
      client.reportEvents(Array.from({ length: 25 }, () => ({ type: 'error' as const, reason: 'x'.repeat(100) })));
      await client.flushEvents();
    }, config);
    const batches = bodiesOf('/v2/connect/events');
    expect(batches.map((b) => b.events.length)).toEqual([3, 20, 5]);
    const deviceId = await page.evaluate(() => localStorage.getItem('latchkey:device-id'));
    expect(batches[0].events[0]).toEqual({ type: 'offer-shown', processId: 'p1', deviceId, osFamily: 'linux', browserFamily: 'chrome', at: expect.any(Number) });
    expect(batches[1].events[0].reason).toHaveLength(64);
  });

  it('sends a batch by itself shortly after the last report, without flushEvents', async () => {
    await page.evaluate((config) => window.sdk.createLatchkey(config).reportEvents([{ type: 'password-login', method: 'password' }]), config);
    await page.waitForRequest((request) => new URL(request.url()).pathname === '/v2/connect/events');
    expect(bodiesOf('/v2/connect/events')).toEqual([{ events: [expect.objectContaining({ type: 'password-login', method: 'password' })] }]);
  });

  it('a report made as the page navigates away still reaches Latchkey (its request starts before the page goes)', async () => {
    // A project of its own: no other test's reports land in its funnel.
    const project = await latchkey.addProject({ origins: [site.origin] });
    const passwordLogins = async (): Promise<number> => {
      const { body } = await project.backend('GET', '/analytics/funnel?groupBy=platform');
      return (body.rows as Array<{ logins: { password: number } }>).reduce((sum, row) => sum + row.logins.password, 0);
    };
    const leaving = await (await browser.newContext()).newPage();
    await openSdkPage(leaving, site.origin);
    // A login form that reports the password login and submits at once: the page is hidden (and
    // the queue flushed) well before the 50 ms batch delay.
    await leaving.evaluate((config) => {
      window.sdk.createLatchkey(config).reportEvents([{ type: 'password-login', method: 'password' }]);
      location.assign('about:blank');
    }, { ...config, projectId: project.id });
    await leaving.waitForURL('about:blank');
    await leaving.context().close();
    await expect.poll(passwordLogins, { timeout: 5000 }).toBe(1);
  });

  it('never throws nor rejects: junk input, and a Latchkey nobody answers for', async () => {
    const closed = { ...config, baseUrl: `http://127.0.0.1:${await freePort()}` };
    const outcome = await page.evaluate(async (closed) => {
      const client = window.sdk.createLatchkey(closed);
      client.reportEvents(null as never);
      client.reportEvents([null, 42, { nope: true }] as never);
      client.reportEvents([{ type: 'error', reason: 'network' }]);
      await client.flushEvents();
      return 'resolved';
    }, closed);
    expect(outcome).toBe('resolved');
  });
});

describe('decisions in results', () => {
  it('loginDecision() answers the policy, its process serves the next autofill, and a kill switch set meanwhile ends that login as notAllowed', async () => {
    await authenticator.clear();
    const token = await latchkey.project.connectToken('passkey-append', 'kim@example.com');
    expect(await page.evaluate(async ({ config, token }) => (await window.sdk.createLatchkey(config).appendPasskey(token)).ok, { config, token })).toBe(true);
    sent = [];
    try {
      await page.exposeFunction('pullLoginKillSwitch', async () => (await latchkey.project.backend('PATCH', '/policy', { login: { enabled: false } })).status);
      const result = await page.evaluate(async ({ config }) => {
        const client = window.sdk.createLatchkey(config);
        const decision = await client.loginDecision();
        // The operator pulls the kill switch (Backend API) between the page's decision and the user's pick.
        await (window as unknown as { pullLoginKillSwitch(): Promise<number> }).pullLoginKillSwitch();
        const login = window.plain(await client.autofill());
        const after = await client.loginDecision();
        return { decision, login, after };
      }, { config });
      expect(result.decision).toEqual({ ok: true, loginAllowed: true, decisionTags: [], oneTap: false, lastAccount: null });
      expect(result.login).toMatchObject({ ok: false, reason: 'notAllowed', code: 'login_not_allowed', status: 403, decisionTags: ['login-kill-switch'] });
      expect(result.after).toMatchObject({ ok: true, loginAllowed: false, decisionTags: ['login-kill-switch'] });
      // One login/init for the decision and the autofill together, one for the second decision.
      expect(bodiesOf('/v2/connect/login/init')).toHaveLength(2);
    } finally {
      expect((await latchkey.project.backend('PATCH', '/policy', { login: { enabled: true } })).status).toBe(200);
    }
  });
});
