import { addVirtualAuthenticator, freePort, startBrowserStack, startHoldingProxy, type BrowserStack, type HoldingProxy, type StaticServer, type TestLatchkey, type VirtualAuthenticator } from '@latchkey/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendThroughSdk, componentPage, DIST_DIR, events, hideFromAutofill, nextEvent, openComponentPage, screenshot } from './helpers/pages.js';

/** <latchkey-login> from the standalone bundle, in Chromium, against a real Latchkey server. */
const pages: Record<string, string> = {};
let stack: BrowserStack;
let site: StaticServer, latchkey: TestLatchkey, config: BrowserStack['config'];
let proxy: HoldingProxy;
/** Holds every request for a minute: a Latchkey that accepts connections and never answers. */
let stalled: HoldingProxy;
/** Answers every request 503 at once: a Latchkey whose store is away. */
let failing: HoldingProxy;
/** A project that lists an origin other than the test pages'. */
let elsewhere: TestLatchkey['project'];
let page: Page;
let authenticator: VirtualAuthenticator;

const login = (baseUrl: string, projectId: string, extra = ''): string => `<latchkey-login base-url="${baseUrl}" project-id="${projectId}"${extra}></latchkey-login>`;

beforeAll(async () => {
  stack = await startBrowserStack(pages, { '/': DIST_DIR });
  ({ site, latchkey, config } = stack);
  proxy = await startHoldingProxy(latchkey.url, 800);
  stalled = await startHoldingProxy(latchkey.url, 60_000);
  failing = await startHoldingProxy(latchkey.url, 0);
  failing.answerStatus = 503;
  elsewhere = await latchkey.addProject({ origins: ['http://app.elsewhere.localhost:3000'] });
  const closedPort = await freePort();
  pages['/login'] = componentPage('Sign in', login(latchkey.url, latchkey.project.id));
  pages['/login-slow'] = componentPage('Sign in', login(proxy.url, latchkey.project.id));
  pages['/login-down'] = componentPage('Sign in', login(`http://127.0.0.1:${closedPort}`, latchkey.project.id));
  pages['/login-stalled'] = componentPage('Sign in', login(stalled.url, latchkey.project.id));
  pages['/login-stalled-budget'] = componentPage('Sign in', login(stalled.url, latchkey.project.id, ' init-timeout-ms="400"'));
  pages['/login-503'] = componentPage('Sign in', login(failing.url, latchkey.project.id));
  pages['/login-elsewhere'] = componentPage('Sign in', login(latchkey.url, elsewhere.id));
  pages['/login-unconfigured'] = componentPage('Sign in', '<latchkey-login></latchkey-login>');
  pages['/login-no-project'] = componentPage('Sign in', login(latchkey.url, 'pro-1234567890123456789'));
  pages['/login-themed'] = componentPage(
    'Sign in',
    `<style>
      .brand { --latchkey-color-primary: rgb(1, 2, 3); }
      latchkey-login::part(input) { border-color: rgb(4, 5, 6); }
    </style>
    <div class="brand">${login(latchkey.url, latchkey.project.id, ' no-autofill')}</div>`,
  );
  const context = await stack.browser.newContext({ viewport: { width: 640, height: 360 } });
  page = await context.newPage();
  authenticator = await addVirtualAuthenticator(page);
});

afterAll(async () => {
  await proxy?.close();
  await stalled?.close();
  await failing?.close();
  await stack?.close();
});

beforeEach(async () => {
  await authenticator.clear();
  await authenticator.setUserVerified(true);
});

/** A passkey for `identifier` on the virtual authenticator, hidden from autofill unless asked. */
async function passkeyFor(identifier: string, { discoverable = false } = {}): Promise<void> {
  await openComponentPage(page, `${site.origin}/login-themed`, 'latchkey-login'); // any page of the origin
  const appended = await appendThroughSdk(page, config, await latchkey.project.connectToken('passkey-append', identifier));
  expect(appended).toMatchObject({ ok: true });
  if (!discoverable) await hideFromAutofill(authenticator);
}

async function verify(signedPasskeyData: string, username: string): Promise<unknown> {
  return (await latchkey.project.backend('POST', '/passkey/verifySignedData', { signedPasskeyData, username })).body;
}

describe('<latchkey-login>', () => {
  it('is a labelled identifier field for passkey autofill, a named button and a status line', async () => {
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    const field = page.getByLabel('Email or username');
    await expect.poll(() => field.getAttribute('autocomplete')).toBe('username webauthn');
    expect(await field.getAttribute('type')).toBe('text');
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isEnabled()).toBe(true);
    expect(await page.getByRole('status').count()).toBe(1);
    expect(await page.getByRole('status').getAttribute('aria-live')).toBe('polite');
    await screenshot(page, 'login');
  });

  it('works from the keyboard alone: Tab to the field, type, Enter — identifier-first login', async () => {
    await passkeyFor('kim@example.com');
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.keyboard.press('Tab');
    const field = page.getByLabel('Email or username');
    await expect.poll(() => field.evaluate((input) => input === input.getRootNode().ownerDocument!.activeElement?.shadowRoot?.activeElement)).toBe(true);
    // The focus ring is drawn for keyboard focus.
    expect(await field.evaluate((input) => getComputedStyle(input).outlineStyle)).toBe('solid');
    await page.keyboard.type('kim@example.com');
    await page.keyboard.press('Enter');

    const event = await nextEvent(page);
    expect(event).toMatchObject({
      type: 'latchkey-complete',
      target: 'latchkey-login',
      bubbles: true,
      composed: true,
      detail: { identifier: 'kim@example.com', isConditionalUI: false, credentialId: expect.any(String), userId: expect.stringMatching(/^usr-/) },
    });
    expect(event.detail.ok).toBeUndefined();
    expect(await verify(event.detail.signedPasskeyData, 'kim@example.com')).toMatchObject({ verificationResult: 'success' });
    // Not "signed in": only the app's backend decides, after verifySignedData.
    expect(await page.getByRole('status').textContent()).toBe('Passkey accepted. Signing you in…');
    await screenshot(page, 'login-complete');
  });

  it('passes what the user typed through normalizeIdentifier before the passkey lookup', async () => {
    await passkeyFor('pat@example.com');
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.evaluate(() => {
      document.querySelector('latchkey-login')!.normalizeIdentifier = (value: string) => value.trim().toLowerCase();
    });
    await page.getByLabel('Email or username').fill('  Pat@Example.COM ');
    await page.getByLabel('Email or username').press('Enter');
    const event = await nextEvent(page);
    expect(event).toMatchObject({ type: 'latchkey-complete', detail: { identifier: 'pat@example.com', isConditionalUI: false } });
    expect(await verify(event.detail.signedPasskeyData, 'pat@example.com')).toMatchObject({ verificationResult: 'success' });
  });

  it('lets the page put its own words in the status line with announce() (a refusal by the app)', async () => {
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.evaluate(() => document.querySelector('latchkey-login')!.announce('The app did not accept this passkey login.', 'error'));
    const status = page.getByRole('status');
    await expect.poll(() => status.textContent()).toBe('The app did not accept this passkey login.');
    expect(await status.getAttribute('data-kind')).toBe('error');
    await page.evaluate(() => document.querySelector('latchkey-login')!.announce(''));
    await expect.poll(() => status.textContent()).toBe('');
  });

  it('logs in through passkey autofill when the page loads and the browser offers a passkey', async () => {
    await passkeyFor('lee@example.com', { discoverable: true });
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    const event = await nextEvent(page);
    expect(event).toMatchObject({ type: 'latchkey-complete', detail: { identifier: 'lee@example.com', isConditionalUI: true } });
    expect(await verify(event.detail.signedPasskeyData, 'lee@example.com')).toMatchObject({ verificationResult: 'success' });
    expect(await page.getByLabel('Email or username').inputValue()).toBe('lee@example.com');
  });

  it('falls back (latchkey-fallback, reason noPasskey) for an identifier without passkeys', async () => {
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByLabel('Email or username').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    expect(await nextEvent(page)).toEqual({
      type: 'latchkey-fallback',
      target: 'latchkey-login',
      bubbles: true,
      composed: true,
      detail: { reason: 'noPasskey', identifier: 'nobody@example.com', message: expect.any(String) },
    });
    expect(await page.getByRole('status').textContent()).toBe('There is no passkey for this account on record.');
    await screenshot(page, 'login-fallback');
  });

  it('falls back (reason cancelled) when the user cancels the passkey dialog', async () => {
    await passkeyFor('max@example.com');
    await authenticator.setUserVerified(false);
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByLabel('Email or username').fill('max@example.com');
    await page.getByLabel('Email or username').press('Enter');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'cancelled', identifier: 'max@example.com' } });
    expect(await page.getByRole('status').textContent()).toBe('Passkey sign-in was cancelled.');
  });

  it('asks for an identifier instead of submitting an empty one', async () => {
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByLabel('Email or username').press('Enter');
    expect(await page.getByRole('status').textContent()).toBe('Enter your email or username.');
    expect(await page.getByLabel('Email or username').getAttribute('aria-invalid')).toBe('true');
    expect(await events(page)).toEqual([]);
  });

  it('is busy while it works: aria-busy, the button disabled, progress in the status line', async () => {
    await openComponentPage(page, `${site.origin}/login-slow`, 'latchkey-login');
    const form = page.locator('latchkey-login form');
    const button = page.getByRole('button', { name: 'Sign in with a passkey' });
    expect(await form.getAttribute('aria-busy')).toBe('false');
    await page.getByLabel('Email or username').fill('nobody@example.com');
    await button.click();
    expect(await form.getAttribute('aria-busy')).toBe('true');
    expect(await button.isDisabled()).toBe(true);
    expect(await page.getByRole('status').textContent()).toBe('Signing in with your passkey…');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'noPasskey' } });
    expect(await form.getAttribute('aria-busy')).toBe('false');
    expect(await button.isEnabled()).toBe(true);
  });

  it('takes its colours from --latchkey-* custom properties and exposes parts', async () => {
    await openComponentPage(page, `${site.origin}/login-themed`, 'latchkey-login');
    const button = page.getByRole('button', { name: 'Sign in with a passkey' });
    await expect.poll(() => button.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(1, 2, 3)');
    expect(await page.getByLabel('Email or username').evaluate((element) => getComputedStyle(element).borderTopColor)).toBe('rgb(4, 5, 6)');
    await screenshot(page, 'login-themed');
  });

  it('takes its texts from the strings property (translation)', async () => {
    await openComponentPage(page, `${site.origin}/login-themed`, 'latchkey-login');
    await page.evaluate(() => {
      document.querySelector('latchkey-login')!.strings = { label: 'E-Mail oder Benutzername', button: 'Mit Passkey anmelden' };
    });
    await expect.poll(() => page.getByLabel('E-Mail oder Benutzername').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Mit Passkey anmelden' }).count()).toBe(1);
  });
});

/**
 * A login page must never depend on Latchkey: whenever it cannot help, the element hands over to the
 * page's own login with latchkey-fallback, from autofill as the page loads and again on submit, and
 * the field stays usable.
 */
describe('<latchkey-login> when Latchkey cannot help', () => {
  async function submit(identifier: string): Promise<void> {
    await page.getByLabel('Email or username').fill(identifier);
    await page.getByLabel('Email or username').press('Enter');
  }

  async function expectFieldUsable(): Promise<void> {
    const field = page.getByLabel('Email or username');
    expect(await field.getAttribute('readonly')).toBeNull();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isEnabled()).toBe(true);
  }

  it('Latchkey stopped (nothing listens): latchkey-fallback unavailable, from autofill and per submit, no latchkey-error', async () => {
    await openComponentPage(page, `${site.origin}/login-down`, 'latchkey-login');
    expect(await nextEvent(page)).toEqual({
      type: 'latchkey-fallback', target: 'latchkey-login', bubbles: true, composed: true,
      detail: { reason: 'unavailable', identifier: '', message: 'the Latchkey server could not be reached' },
    });
    expect(await page.getByRole('status').textContent()).toBe('Passkey sign-in is not available right now. Sign in another way.');
    await expectFieldUsable();
    await submit('kim@example.com');
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'unavailable', identifier: 'kim@example.com' } });
    // A failed autofill does not retry by itself (no request loop against a server that is down).
    expect((await events(page)).map((event) => event.type)).toEqual(['latchkey-fallback', 'latchkey-fallback']);
    await expectFieldUsable();
    // A listener attached late catches up through lastFallback.
    expect(await page.evaluate(() => document.querySelector('latchkey-login')!.lastFallback)).toMatchObject({ reason: 'unavailable', identifier: 'kim@example.com' });
    await screenshot(page, 'login-unavailable');
  });

  it('Latchkey answers 503: latchkey-fallback unavailable with the server\'s code and request id', async () => {
    await openComponentPage(page, `${site.origin}/login-503`, 'latchkey-login');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'unavailable', identifier: '', code: 'store_unavailable', requestId: 'req_PROXY0000000000000000' } });
    await submit('kim@example.com');
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'unavailable', identifier: 'kim@example.com', code: 'store_unavailable' } });
    expect((await events(page)).map((event) => event.type)).toEqual(['latchkey-fallback', 'latchkey-fallback']);
    await expectFieldUsable();
  });

  it('Latchkey slow (holds every request a minute): latchkey-fallback timeout after the default 3 s budget, the request still held', async () => {
    const heldBefore = stalled.held;
    await openComponentPage(page, `${site.origin}/login-stalled`, 'latchkey-login');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'timeout', identifier: '', message: 'the Latchkey server did not answer within 3000 ms' } });
    expect(await page.getByRole('status').textContent()).toBe('The passkey service did not answer in time. Sign in another way.');
    await expectFieldUsable();
    await submit('kim@example.com');
    expect(await page.locator('latchkey-login form').getAttribute('aria-busy')).toBe('true');
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'timeout', identifier: 'kim@example.com', message: 'the Latchkey server did not answer within 3000 ms' } });
    await expectFieldUsable();
    // Both ceremony requests reached the proxy and are still held (a client-event report the page
    // may send meanwhile goes through the same proxy and is not one of them).
    expect(stalled.heldRequests.slice(heldBefore).filter((request) => request.includes('/login/'))).toHaveLength(2);
  });

  it('Latchkey slow, with the budget set by the init-timeout-ms attribute', async () => {
    await openComponentPage(page, `${site.origin}/login-stalled-budget`, 'latchkey-login');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'timeout', message: 'the Latchkey server did not answer within 400 ms' } });
    await submit('kim@example.com');
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'timeout', identifier: 'kim@example.com', message: 'the Latchkey server did not answer within 400 ms' } });
  });

  const refusedMessage = (origin: string, projectId: string) =>
    `origin ${origin} is not an allowed origin of project ${projectId}; an operator allows it with \`latchkey project update ${projectId} --add-origin ${origin}\``;

  it('wrong origin (the project lists another): latchkey-fallback misconfigured, and latchkey-error naming the origin and how to allow it', async () => {
    await openComponentPage(page, `${site.origin}/login-elsewhere`, 'latchkey-login');
    const [fallback, error] = [await nextEvent(page), await nextEvent(page, 1)];
    expect(fallback).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'misconfigured', identifier: '', code: 'origin_not_allowed' } });
    expect(fallback.detail.message).toContain(refusedMessage(site.origin, elsewhere.id));
    expect(error).toMatchObject({ type: 'latchkey-error', detail: { ok: false, reason: 'serverError', code: 'origin_not_allowed', status: 403 } });
    expect(error.detail.message).toContain(refusedMessage(site.origin, elsewhere.id));
    // The page learns the refused origin, never the project's own list.
    expect(error.detail.message).not.toContain('app.elsewhere.localhost');
    expect(await page.getByRole('status').textContent()).toBe('Passkey sign-in is not set up for this page. Sign in another way.');
    await submit('kim@example.com');
    expect(await nextEvent(page, 2)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'misconfigured', identifier: 'kim@example.com', code: 'origin_not_allowed' } });
    expect(await nextEvent(page, 3)).toMatchObject({ type: 'latchkey-error', detail: { code: 'origin_not_allowed' } });
    await expectFieldUsable();
    await screenshot(page, 'login-misconfigured');
  });

  it('wrong origin (no project lists it; the preflight itself is refused): the same, naming the page\'s origin', async () => {
    const foreign = site.origin.replace('localhost', '127.0.0.1');
    await openComponentPage(page, `${foreign}/login`, 'latchkey-login');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'misconfigured', identifier: '', code: 'origin_not_allowed' } });
    const error = await nextEvent(page, 1);
    expect(error).toMatchObject({ type: 'latchkey-error', detail: { code: 'origin_not_allowed', status: 403 } });
    expect(error.detail.message).toContain(refusedMessage(foreign, latchkey.project.id));
  });

  it('an element without base-url and project-id: latchkey-fallback misconfigured and latchkey-error not_configured on submit', async () => {
    await openComponentPage(page, `${site.origin}/login-unconfigured`, 'latchkey-login');
    await submit('kim@example.com');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'misconfigured', identifier: 'kim@example.com', code: 'not_configured' } });
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-error', detail: { code: 'not_configured', message: '<latchkey-login> needs base-url and project-id attributes, or a latchkey property' } });
  });

  it('an unknown project id: latchkey-fallback misconfigured and latchkey-error project_not_found', async () => {
    await openComponentPage(page, `${site.origin}/login-no-project`, 'latchkey-login');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'misconfigured', code: 'project_not_found' } });
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-error', detail: { code: 'project_not_found', status: 404 } });
  });
});
