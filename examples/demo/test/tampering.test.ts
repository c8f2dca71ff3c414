import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, newDevice, screenshot, type Device } from './helpers/browser.js';
import { startStack, type Stack } from './helpers/stack.js';
import { addPasskey, expectLoggedOut, loginWithPasskey, logOut, openLoginPageQuietly, sessionMethod, signUp } from './helpers/steps.js';

/**
 * The browser is not trusted: whatever a page (or someone in it) sends as signedPasskeyData, only
 * Latchkey's `success` makes a session. An altered token and a replayed one are refused by the
 * app's backend, the person is told why, and no session cookie is set.
 */
let stack: Stack;
let browser: Browser;
let device: Device;
const carol = { email: 'carol@example.com', name: 'Carol Example', password: 'carols long password' };
const LOGIN_ROUTE = () => `${stack.demo.url}/api/passkey-login`;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), connectBrowser()]);
  device = await newDevice(browser);
  await signUp(device, stack.demo.url, carol);
  await addPasskey(device, 1);
  await logOut(device);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Rewrites the signedPasskeyData the login page posts to the app, as an attacker in the page could. */
async function rewriteToken(rewrite: (token: string) => string): Promise<void> {
  await device.page.route(LOGIN_ROUTE(), async (route: Route) => {
    const body = route.request().postDataJSON() as { signedPasskeyData: string };
    await route.continue({ postData: JSON.stringify({ ...body, signedPasskeyData: rewrite(body.signedPasskeyData) }) });
  });
}

/** Logs in with the passkey and returns the app's answer to the page's POST. */
async function passkeyLoginAnswer(): Promise<{ status: number; body: { verificationResult?: string } }> {
  const answer = device.page.waitForResponse(LOGIN_ROUTE());
  await loginWithPasskey(device, carol.email);
  const response = await answer;
  // The page starts passkey autofill again after a refusal; without presence that ceremony cannot
  // complete a genuine login behind the test's back (openLoginPageQuietly turns presence on again).
  await device.setPresence(false);
  return { status: response.status(), body: (await response.json()) as { verificationResult?: string } };
}

const expectNoSession = () => expectLoggedOut(device, stack.demo.url);

const refusal = () => device.page.locator('#passkey-error');

describe('signedPasskeyData the app does not accept', () => {
  it('refuses a token whose signature was altered in the page', async () => {
    await openLoginPageQuietly(device, `${stack.demo.url}/login`);
    await rewriteToken((token) => {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      // A character in the middle: every bit of it is part of the signature (the last one may be padding).
      const altered = signature.slice(0, 20) + (signature[20] === 'A' ? 'B' : 'A') + signature.slice(21);
      return `${header}.${payload}.${altered}`;
    });
    try {
      const answer = await passkeyLoginAnswer();
      expect(answer).toEqual({ status: 401, body: expect.objectContaining({ verificationResult: 'invalidSignature' }) });
    } finally {
      await device.page.unrouteAll();
    }
    await expect.poll(() => refusal().textContent()).toContain('could not be verified');
    expect(await refusal().textContent()).toContain('invalidSignature');
    // The element's own live status line no longer says "signing you in": the page corrected it.
    expect(await device.page.locator('latchkey-login').getByRole('status').textContent()).toBe('The app did not accept this passkey login.');
    expect(await device.page.locator('#password-login').isVisible()).toBe(true);
    expect(device.page.url()).toBe(`${stack.demo.url}/login`);
    await expectNoSession();
    await screenshot(device.page, '16-altered-token-refused');
  });

  it("refuses a token whose payload was replaced to name another user", async () => {
    await openLoginPageQuietly(device, `${stack.demo.url}/login`);
    await rewriteToken((token) => {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, username: 'admin@example.com' })).toString('base64url');
      return `${header}.${forged}.${signature}`;
    });
    try {
      const answer = await passkeyLoginAnswer();
      expect(answer).toEqual({ status: 401, body: expect.objectContaining({ verificationResult: 'invalidSignature' }) });
    } finally {
      await device.page.unrouteAll();
    }
    await expect.poll(() => refusal().textContent()).toContain('invalidSignature');
    await expectNoSession();
  });

  it('refuses a token posted a second time (replay)', async () => {
    // A genuine login: the page posts the token once, the app accepts it.
    await openLoginPageQuietly(device, `${stack.demo.url}/login`);
    let captured = '';
    let firstAnswer: unknown;
    await device.page.route(LOGIN_ROUTE(), async (route) => {
      captured = (route.request().postDataJSON() as { signedPasskeyData: string }).signedPasskeyData;
      const response = await route.fetch(); // passed through untouched, read on the way
      firstAnswer = { status: response.status(), body: await response.json() };
      await route.fulfill({ response });
    });
    await loginWithPasskey(device, carol.email);
    await device.page.waitForURL(`${stack.demo.url}/account`);
    await device.page.unrouteAll();
    expect(firstAnswer).toEqual({ status: 200, body: expect.objectContaining({ verificationResult: 'success' }) });
    expect(await sessionMethod(device)).toBe('passkey');
    await logOut(device);
    expect(await device.sessionCookie()).toBeUndefined();

    // The same token again, slipped in place of the next login's.
    await openLoginPageQuietly(device, `${stack.demo.url}/login`);
    await rewriteToken(() => captured);
    try {
      const replay = await passkeyLoginAnswer();
      expect(replay).toEqual({ status: 401, body: expect.objectContaining({ verificationResult: 'alreadyUsed' }) });
    } finally {
      await device.page.unrouteAll();
    }
    await expect.poll(() => refusal().textContent()).toContain('already used');
    expect(await refusal().textContent()).toContain('alreadyUsed');
    await expectNoSession();
    await screenshot(device.page, '17-replayed-token-refused');

    // Posted straight to the app, outside any page: refused just the same.
    const direct = await device.context.request.post(LOGIN_ROUTE(), { data: { signedPasskeyData: captured, identifier: carol.email } });
    expect(direct.status()).toBe(401);
    expect(await direct.json()).toMatchObject({ verificationResult: 'alreadyUsed' });
    expect(direct.headers()['set-cookie']).toBeUndefined();
    await expectNoSession();
  });
});
