import {
  addVirtualAuthenticator,
  freePort,
  startHoldingProxy,
  type HoldingProxy,
  type StaticServer,
  type TestLatchkey,
  type VirtualAuthenticator,
} from '@latchkey/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSdk, openSdkPage, startSdkSetup, type ClientConfig, type SdkSetup } from './helpers/sdk-page.js';

/** Every failure reason, each from a real cause: a real server, a real browser, real sockets. */
let setup: SdkSetup;
let site: StaticServer, latchkey: TestLatchkey, browser: Browser, page: Page, authenticator: VirtualAuthenticator, config: ClientConfig;
let proxy: HoldingProxy;

beforeAll(async () => {
  setup = await startSdkSetup();
  ({ site, latchkey, browser, page, authenticator, config } = setup);
  proxy = await startHoldingProxy(latchkey.url, 5_000);
});

afterAll(async () => {
  await proxy?.close();
  await setup?.close();
});

async function appendFor(identifier: string): Promise<void> {
  const result = await callSdk(page, config, 'appendPasskey', await latchkey.project.connectToken('passkey-append', identifier));
  expect(result).toMatchObject({ ok: true });
}

describe('noPasskey', () => {
  it('is the answer for an identifier Latchkey does not know', async () => {
    expect(await callSdk(page, config, 'login', { identifier: 'nobody@example.com' })).toEqual({ ok: false, reason: 'noPasskey', message: expect.any(String), fallback: 'noPasskey' });
  });

  it('is the answer for a known user without passkeys', async () => {
    await latchkey.project.connectToken('passkey-append', 'no-passkey-yet@example.com'); // creates the user
    expect(await callSdk(page, config, 'login', { identifier: 'no-passkey-yet@example.com' })).toMatchObject({ ok: false, reason: 'noPasskey' });
  });
});

describe('cancelled', () => {
  it('is the answer when user verification fails (NotAllowedError), and the next try can succeed', async () => {
    await appendFor('carol@example.com');
    await authenticator.setUserVerified(false);
    try {
      expect(await callSdk(page, config, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: false, reason: 'cancelled', causeName: 'NotAllowedError' });
    } finally {
      await authenticator.setUserVerified(true);
    }
    expect(await callSdk(page, config, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: true, identifier: 'carol@example.com' });
  });
});

describe('unsupported', () => {
  it('is every ceremony\'s answer in a browser without WebAuthn, before any request', async () => {
    const bare = await browser.newContext();
    try {
      await bare.addInitScript(() => {
        delete (window as { PublicKeyCredential?: unknown }).PublicKeyCredential;
      });
      const barePage = await bare.newPage();
      const toServer: string[] = [];
      barePage.on('request', (request) => {
        if (request.url().startsWith(latchkey.url)) toServer.push(request.url());
      });
      await openSdkPage(barePage, site.origin);
      expect(await barePage.evaluate(() => typeof window.PublicKeyCredential)).toBe('undefined');
      expect(await callSdk(barePage, config, 'capabilities')).toEqual({ webauthn: false, platformAuthenticator: false, conditionalUI: false });
      const token = await latchkey.project.connectToken('passkey-append', 'no-webauthn@example.com');
      for (const result of [
        await callSdk(barePage, config, 'login', { identifier: 'carol@example.com' }),
        await callSdk(barePage, config, 'autofill'),
        await callSdk(barePage, config, 'appendPasskey', token),
      ]) {
        expect(result).toMatchObject({ ok: false, reason: 'unsupported' });
      }
      expect(toServer).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('is autofill\'s answer in a browser without conditional mediation, while login still works', async () => {
    const noAutofill = await browser.newContext();
    try {
      await noAutofill.addInitScript(() => {
        delete (PublicKeyCredential as { isConditionalMediationAvailable?: unknown }).isConditionalMediationAvailable;
      });
      const noAutofillPage = await noAutofill.newPage();
      await addVirtualAuthenticator(noAutofillPage);
      await openSdkPage(noAutofillPage, site.origin);
      expect(await callSdk(noAutofillPage, config, 'capabilities')).toEqual({ webauthn: true, platformAuthenticator: true, conditionalUI: false });
      expect(await callSdk(noAutofillPage, config, 'autofill')).toMatchObject({ ok: false, reason: 'unsupported' });
      expect(await callSdk(noAutofillPage, config, 'login', { identifier: 'nobody@example.com' })).toMatchObject({ ok: false, reason: 'noPasskey' });
    } finally {
      await noAutofill.close();
    }
  });
});

describe('timeout', () => {
  it('is the answer when the server holds a request longer than timeoutMs', async () => {
    const slow = { ...config, baseUrl: proxy.url, timeoutMs: 300 };
    const started = Date.now();
    expect(await callSdk(page, slow, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: false, reason: 'timeout', fallback: 'timeout' });
    expect(await callSdk(page, slow, 'listPasskeys', 'ctk1_000000000000000000000000000000')).toMatchObject({ ok: false, reason: 'timeout' });
    // Both gave up long before the proxy's 5 s hold ended.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(proxy.held).toBeGreaterThanOrEqual(2);
  });

  it('comes after initTimeoutMs (default 3000 ms) for the requests before the passkey dialog, login and autofill alike', async () => {
    const slow = { ...config, baseUrl: proxy.url };
    expect(await callSdk(page, slow, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: false, reason: 'timeout', message: 'the Latchkey server did not answer within 3000 ms' });
    const budget = { ...slow, initTimeoutMs: 250 };
    expect(await callSdk(page, budget, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: false, reason: 'timeout', message: 'the Latchkey server did not answer within 250 ms' });
    expect(await callSdk(page, budget, 'autofill')).toMatchObject({ ok: false, reason: 'timeout', message: 'the Latchkey server did not answer within 250 ms', fallback: 'timeout' });
  });

  it('initTimeoutMs must be a positive number', async () => {
    const thrown = await page.evaluate((config) => {
      try {
        window.sdk.createLatchkey({ ...config, initTimeoutMs: 0 });
        return null;
      } catch (error) {
        return (error as Error).message;
      }
    }, config);
    expect(thrown).toBe('createLatchkey: initTimeoutMs must be a positive number');
  });
});

describe('networkError', () => {
  it('is the answer when nothing listens at baseUrl (fallback unavailable)', async () => {
    const closed = { ...config, baseUrl: `http://127.0.0.1:${await freePort()}` };
    expect(await callSdk(page, closed, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: false, reason: 'networkError', causeName: 'TypeError', fallback: 'unavailable' });
    expect(await callSdk(page, closed, 'deletePasskey', 'ctk1_000000000000000000000000000000', 'cre-1')).toMatchObject({ ok: false, reason: 'networkError' });
  });
});

describe('a refused origin (CORS hides the 403; origin-check explains it)', () => {
  it('is serverError origin_not_allowed, naming the origin and how to allow it (fallback misconfigured)', async () => {
    const elsewhere = await latchkey.addProject({ origins: ['http://localhost:1'] });
    const result = await callSdk(page, { ...config, projectId: elsewhere.id }, 'login', { identifier: 'carol@example.com' });
    expect(result).toMatchObject({ ok: false, reason: 'serverError', code: 'origin_not_allowed', status: 403, requestId: expect.stringMatching(/^req_/), fallback: 'misconfigured' });
    expect(result.message).toContain(`origin ${site.origin} is not an allowed origin of project ${elsewhere.id}`);
    expect(result.message).toContain(`latchkey project update ${elsewhere.id} --origin ${site.origin}`);
    expect(result.message).not.toContain('localhost:1');
  });

  it('is the same for a page whose origin no project lists (the preflight itself refused)', async () => {
    const foreign = await browser.newContext();
    try {
      const foreignPage = await foreign.newPage();
      const origin = site.origin.replace('localhost', '127.0.0.1');
      await openSdkPage(foreignPage, origin);
      const result = await callSdk(foreignPage, config, 'autofill');
      expect(result).toMatchObject({ ok: false, reason: 'serverError', code: 'origin_not_allowed', status: 403, fallback: 'misconfigured' });
      expect(result.message).toContain(`latchkey project update ${config.projectId} --origin ${origin}`);
    } finally {
      await foreign.close();
    }
  });
});

describe('fallbackReason', () => {
  it('is unavailable for a 503 readable by the page, and for a 429', async () => {
    const failing = await startHoldingProxy(latchkey.url, 0);
    failing.answerStatus = 503;
    try {
      expect(await callSdk(page, { ...config, baseUrl: failing.url }, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: false, reason: 'serverError', status: 503, code: 'store_unavailable', fallback: 'unavailable' });
      failing.answerStatus = 429;
      expect(await callSdk(page, { ...config, baseUrl: failing.url }, 'autofill')).toMatchObject({ ok: false, reason: 'serverError', status: 429, fallback: 'unavailable' });
    } finally {
      await failing.close();
    }
  });

  it('is misconfigured for an unknown project and a request Latchkey refuses outright, and nothing for a failure the user can retry (a spent connect token)', async () => {
    expect(await callSdk(page, { ...config, projectId: 'pro-1234567890123456789' }, 'login', { identifier: 'carol@example.com' })).toMatchObject({ ok: false, code: 'project_not_found', status: 404, fallback: 'misconfigured' });
    expect(await callSdk(page, config, 'login', { identifier: 'x'.repeat(300) })).toMatchObject({ ok: false, reason: 'serverError', code: 'invalid_request', status: 400, fallback: 'misconfigured' });
    expect(await callSdk(page, config, 'listPasskeys', 'ctk1_000000000000000000000000000000')).toMatchObject({ ok: false, reason: 'serverError', fallback: null });
  });
});

describe('serverError', () => {
  it('carries the code, status and requestId of a spent connect token', async () => {
    await latchkey.project.connectToken('passkey-append', 'dana@example.com');
    const token = await latchkey.project.connectToken('passkey-list', 'dana@example.com');
    expect(await callSdk(page, config, 'listPasskeys', token)).toEqual({ ok: true, passkeys: [] });
    expect(await callSdk(page, config, 'listPasskeys', token)).toEqual({
      ok: false, reason: 'serverError', code: 'connect_token_spent', status: 409, requestId: expect.stringMatching(/^req_/), message: expect.any(String), fallback: null,
    });
  });

  it('carries connect_token_invalid for another project\'s token and connect_token_wrong_type for the wrong type', async () => {
    const other = await latchkey.addProject({ origins: [site.origin] });
    await other.connectToken('passkey-append', 'erin@example.com');
    const foreign = await other.connectToken('passkey-list', 'erin@example.com');
    expect(await callSdk(page, config, 'listPasskeys', foreign)).toMatchObject({ ok: false, reason: 'serverError', code: 'connect_token_invalid', status: 401 });
    const appendToken = await latchkey.project.connectToken('passkey-append', 'erin@example.com');
    expect(await callSdk(page, config, 'deletePasskey', appendToken, 'cre-1')).toMatchObject({ ok: false, reason: 'serverError', code: 'connect_token_wrong_type', status: 403 });
  });

  it('carries passkey_not_found for a passkey id the user does not have', async () => {
    await latchkey.project.connectToken('passkey-append', 'dana@example.com');
    const token = await latchkey.project.connectToken('passkey-delete', 'dana@example.com');
    expect(await callSdk(page, config, 'deletePasskey', token, 'cre-1234567890123456789')).toMatchObject({ ok: false, reason: 'serverError', code: 'passkey_not_found', status: 404 });
  });
});

describe('aborted', () => {
  it('is the answer when the caller aborts a login waiting on the server, or aborted before the call', async () => {
    const slow = { ...config, baseUrl: proxy.url };
    const result = await page.evaluate(async (slow) => {
      const latchkey = window.sdk.createLatchkey(slow);
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 200);
      const during = window.plain(await latchkey.login({ identifier: 'carol@example.com', signal: controller.signal }));
      const before = window.plain(await latchkey.login({ identifier: 'carol@example.com', signal: AbortSignal.abort() }));
      return { during, before, ms: performance.now() - started };
    }, slow);
    expect(result.during).toMatchObject({ ok: false, reason: 'aborted' });
    expect(result.before).toMatchObject({ ok: false, reason: 'aborted' });
    expect(result.ms).toBeLessThan(4_000);
  });

  it('ends an autofill still waiting for login/init when login() starts, and an autofill started during a login yields', async () => {
    const slow = { ...config, baseUrl: proxy.url };
    proxy.holdMs = 500;
    const result = await page.evaluate(async ({ slow, direct }) => {
      const slowClient = window.sdk.createLatchkey(slow);
      const client = window.sdk.createLatchkey(direct);
      const pendingAutofill = slowClient.autofill();
      const pendingLogin = slowClient.login({ identifier: 'nobody@example.com' }); // held by the proxy
      const duringLogin = window.plain(await client.autofill());
      return { autofill: window.plain(await pendingAutofill), duringLogin, login: window.plain(await pendingLogin) };
    }, { slow, direct: config });
    expect(result.autofill).toMatchObject({ ok: false, reason: 'aborted' });
    expect(result.duringLogin).toMatchObject({ ok: false, reason: 'aborted' });
    expect(result.login).toMatchObject({ ok: false, reason: 'noPasskey' });
    proxy.holdMs = 5_000;
  });
});
