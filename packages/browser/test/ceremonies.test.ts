import { claimsOf, toStandardBase64, type StaticServer, type TestLatchkey, type VirtualAuthenticator } from '@latchkey/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSdk, openSdkPage, startSdkSetup, type ClientConfig, type PlainResult, type SdkSetup } from './helpers/sdk-page.js';

/** The ceremonies end to end: the SDK in Chromium, its virtual authenticator, a real Latchkey server. */
let setup: SdkSetup;
let site: StaticServer, latchkey: TestLatchkey, browser: Browser, page: Page, authenticator: VirtualAuthenticator, config: ClientConfig;

beforeAll(async () => {
  setup = await startSdkSetup();
  ({ site, latchkey, browser, page, authenticator, config } = setup);
});

afterAll(() => setup?.close());

async function append(identifier: string): Promise<PlainResult> {
  return callSdk(page, config, 'appendPasskey', await latchkey.project.connectToken('passkey-append', identifier));
}

async function verify(signedPasskeyData: string, username: string): Promise<unknown> {
  return (await latchkey.project.backend('POST', '/passkey/verifySignedData', { signedPasskeyData, username })).body;
}

it('reports what the browser can do', async () => {
  expect(await callSdk(page, config, 'capabilities')).toEqual({ webauthn: true, platformAuthenticator: true, conditionalUI: true });
});

describe('append, list, delete', () => {
  it('adds a passkey, lists it and deletes it, each with a connect token of its type', async () => {
    const appended = await append('alice@example.com');
    expect(appended).toEqual({
      ok: true,
      passkey: expect.objectContaining({ id: expect.stringMatching(/^cre-\d+$/), credentialId: expect.any(String), backupEligible: false, transports: expect.any(Array) }),
    });
    expect(await authenticator.credentialIds()).toContain(toStandardBase64(appended.passkey.credentialId));

    const listed = await callSdk(page, config, 'listPasskeys', await latchkey.project.connectToken('passkey-list', 'alice@example.com'));
    expect(listed).toEqual({ ok: true, passkeys: [appended.passkey] });

    const deleted = await callSdk(page, config, 'deletePasskey', await latchkey.project.connectToken('passkey-delete', 'alice@example.com'), appended.passkey.id);
    expect(deleted).toEqual({ ok: true });
    expect(await callSdk(page, config, 'listPasskeys', await latchkey.project.connectToken('passkey-list', 'alice@example.com'))).toEqual({ ok: true, passkeys: [] });
  });

  it('answers passkeyExists when this authenticator already holds a passkey for the user, and leaves the token usable', async () => {
    expect(await append('bob@example.com')).toMatchObject({ ok: true });
    const token = await latchkey.project.connectToken('passkey-append', 'bob@example.com');
    expect(await callSdk(page, config, 'appendPasskey', token)).toMatchObject({ ok: false, reason: 'passkeyExists', causeName: 'InvalidStateError' });
    // Another authenticator (here: the same one, emptied) can still use the unspent token.
    await authenticator.clear();
    expect(await callSdk(page, config, 'appendPasskey', token)).toMatchObject({ ok: true });
  });
});

describe('login', () => {
  it('logs in identifier-first and hands back a signedPasskeyData the backend accepts once', async () => {
    const appended = await append('carol@example.com');
    const result = await callSdk(page, config, 'login', { identifier: 'carol@example.com' });
    expect(result).toEqual({
      ok: true,
      signedPasskeyData: expect.any(String),
      identifier: 'carol@example.com',
      credentialId: appended.passkey.credentialId,
      userId: expect.stringMatching(/^usr-\d+$/),
      isConditionalUI: false,
      decisionTags: expect.any(Array),
    });
    expect(claimsOf(result.signedPasskeyData)).toMatchObject({ iss: latchkey.project.id, sub: result.userId, username: 'carol@example.com', isCUI: false });
    expect(await verify(result.signedPasskeyData, 'carol@example.com')).toEqual({ verificationResult: 'success', userID: result.userId, username: 'carol@example.com' });
    expect(await verify(result.signedPasskeyData, 'carol@example.com')).toMatchObject({ verificationResult: 'alreadyUsed' });
  });
});

describe('autofill', () => {
  it('logs in with the passkey the user picks from autofill (Conditional UI)', async () => {
    await authenticator.clear();
    const appended = await append('dave@example.com');
    const result = await callSdk(page, config, 'autofill');
    expect(result).toMatchObject({ ok: true, identifier: 'dave@example.com', credentialId: appended.passkey.credentialId, isConditionalUI: true });
    expect(claimsOf(result.signedPasskeyData)).toMatchObject({ username: 'dave@example.com', isCUI: true });
    expect(await verify(result.signedPasskeyData, 'dave@example.com')).toMatchObject({ verificationResult: 'success' });
  });

  it('signals a passkey the server no longer knows to the browser, which removes it, then reports unknown_credential', async () => {
    await authenticator.clear();
    const appended = await append('erin@example.com');
    const user = (await latchkey.project.backend('GET', `/users?identifier=${encodeURIComponent('erin@example.com')}`)).body.users[0];
    expect((await latchkey.project.backend('DELETE', `/users/${user.userID}/passkeys/${appended.passkey.id}`)).status).toBe(200);

    const result = await callSdk(page, config, 'autofill');
    expect(result).toMatchObject({ ok: false, reason: 'serverError', code: 'unknown_credential', status: 422 });
    const credentialId = toStandardBase64(appended.passkey.credentialId);
    expect(authenticator.deleted).toContain(credentialId);
    expect(await authenticator.credentialIds()).not.toContain(credentialId);
  });
});

describe('aborting autofill', () => {
  /**
   * With no authenticator attached, Chromium keeps a conditional request pending (as a real browser
   * does until the user picks a passkey). `navigator.credentials.get` is wrapped — calling through —
   * only to see when the request is pending and when it settled.
   */
  let waiting: Page;
  beforeAll(async () => {
    const waitingContext = await browser.newContext();
    await waitingContext.addInitScript(() => {
      const w = window as unknown as { pendingGets: number };
      w.pendingGets = 0;
      const original = navigator.credentials.get.bind(navigator.credentials);
      navigator.credentials.get = (options) => {
        w.pendingGets += 1;
        const request = original(options);
        request.then(() => (w.pendingGets -= 1), () => (w.pendingGets -= 1));
        return request;
      };
    });
    waiting = await waitingContext.newPage();
    await openSdkPage(waiting, site.origin);
  });

  const pendingGets = (): Promise<number> => waiting.evaluate(() => (window as unknown as { pendingGets: number }).pendingGets);

  it('ends a pending autofill with aborted when its signal aborts, and cancels the browser request', async () => {
    await waiting.evaluate((config) => {
      const controller = new AbortController();
      (window as any).autofillController = controller;
      (window as any).autofillResult = window.sdk.createLatchkey(config).autofill({ signal: controller.signal }).then(window.plain);
    }, config);
    await expect.poll(pendingGets).toBe(1);
    const result = await waiting.evaluate(() => {
      (window as any).autofillController.abort();
      return (window as any).autofillResult;
    });
    expect(result).toMatchObject({ ok: false, reason: 'aborted' });
    await expect.poll(pendingGets).toBe(0);
  });

  it('ends a pending autofill with aborted when login() starts, and the login runs', async () => {
    await waiting.evaluate((config) => {
      (window as any).autofillResult = window.sdk.createLatchkey(config).autofill().then(window.plain);
    }, config);
    await expect.poll(pendingGets).toBe(1);
    const result = await waiting.evaluate(async (config) => {
      const login = window.plain(await window.sdk.createLatchkey(config).login({ identifier: 'nobody@example.com' }));
      return { login, autofill: await (window as any).autofillResult };
    }, config);
    expect(result.autofill).toMatchObject({ ok: false, reason: 'aborted' });
    expect(result.login).toMatchObject({ ok: false, reason: 'noPasskey' });
    expect(await pendingGets()).toBe(0);
  });

  it('ends an older autofill when a new one starts: one autofill request at a time', async () => {
    await waiting.evaluate((config) => {
      (window as any).firstAutofill = window.sdk.createLatchkey(config).autofill().then(window.plain);
    }, config);
    await expect.poll(pendingGets).toBe(1);
    await waiting.evaluate((config) => {
      const controller = new AbortController();
      (window as any).secondController = controller;
      (window as any).secondAutofill = window.sdk.createLatchkey(config).autofill({ signal: controller.signal }).then(window.plain);
    }, config);
    expect(await waiting.evaluate(() => (window as any).firstAutofill)).toMatchObject({ ok: false, reason: 'aborted' });
    await expect.poll(pendingGets).toBe(1);
    expect(await waiting.evaluate(() => {
      (window as any).secondController.abort();
      return (window as any).secondAutofill;
    })).toMatchObject({ ok: false, reason: 'aborted' });
  });
});
