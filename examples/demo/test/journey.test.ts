import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, newDevice, screenshot, type Device } from './helpers/browser.js';
import { startStack, type Stack } from './helpers/stack.js';
import { addPasskey, expectLoggedIn, expectLoggedOut, loginWithPasskey, logOut, openLoginPageQuietly, passkeyItems, resetRequests, sessionMethod } from './helpers/steps.js';

/**
 * The whole story of one person on one device, in order: a password account, a passkey added,
 * then passkey logins (identifier-first and autofill), and the passkey in the list.
 */
let stack: Stack;
let browser: Browser;
let device: Device;
const alice = { email: 'alice@example.com', name: 'Alice Example', password: 'correct horse battery staple' };

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), connectBrowser()]);
  device = await newDevice(browser);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the journey', () => {
  it('signs up with a password and lands on the account page', async () => {
    const { page } = device;
    await page.goto(stack.demo.url);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome to Acorn');
    await screenshot(page, '01-home');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('E-mail address').fill(alice.email);
    await page.getByLabel('Your name').fill(alice.name);
    await page.getByLabel('Password', { exact: true }).fill(alice.password);
    await screenshot(page, '02-signup-form');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${stack.demo.url}/account?welcome`);

    expect(await page.getByRole('status').first().textContent()).toContain('Your account is ready');
    expect(await page.locator('#account-email').textContent()).toBe(alice.email);
    expect(await sessionMethod(device)).toBe('signup');
    // Latchkey does not know Alice yet: the list says she has none (the app's token route answers null).
    await expect.poll(() => page.locator('latchkey-passkey-list').getByText('You have no passkeys yet.').count()).toBe(1);
    expect(await page.locator('latchkey-passkey-list').getByRole('status').textContent()).toBe('');
    await expectLoggedIn(device, stack.demo.url);
    await screenshot(page, '03-account-new');
  });

  it('adds a passkey from the account page', async () => {
    await addPasskey(device, 1);
    expect(await device.credentials()).toHaveLength(1);
    expect(await device.page.locator('latchkey-passkey-list').getByText('You have no passkeys yet.').count()).toBe(0);
    await screenshot(device.page, '04-passkey-added');
  });

  it('logs out: the session is gone', async () => {
    await logOut(device);
    const { page } = device;
    expect(await page.getByText('You have logged out.').isVisible()).toBe(true);
    await expectLoggedOut(device, stack.demo.url);
    await screenshot(page, '05-logged-out');
  });

  it('logs in identifier-first with the passkey', async () => {
    await openLoginPageQuietly(device, `${stack.demo.url}/login`);
    const { page } = device;
    await page.locator('latchkey-login input').fill(alice.email);
    await screenshot(page, '06-login-identifier');
    await loginWithPasskey(device, alice.email);
    await page.waitForURL(`${stack.demo.url}/account`);
    expect(await sessionMethod(device)).toBe('passkey');
    expect(await page.locator('#account-email').textContent()).toBe(alice.email);
    await expectLoggedIn(device, stack.demo.url);
    expect(device.webauthnGets()).toEqual(['conditional', 'optional']); // autofill waited, the button's login ran
    await screenshot(page, '07-account-after-passkey-login');
  });

  it('logs out, then logs in by picking the passkey from autofill on the identifier field', async () => {
    await logOut(device);
    await expectLoggedOut(device, stack.demo.url);
    const { page } = device;
    // A fresh login page, as a person opens it: the authenticator "picks" the passkey offered in autofill.
    resetRequests(device);
    await page.goto(`${stack.demo.url}/login`);
    await page.waitForURL(`${stack.demo.url}/account`);
    expect(device.webauthnGets()).toEqual(['conditional']); // nothing typed, no button pressed
    expect(await sessionMethod(device)).toBe('passkey-autofill');
    expect(await page.locator('#session-method').textContent()).toContain('picked from autofill');
    await expectLoggedIn(device, stack.demo.url);
    await screenshot(page, '08-account-after-autofill-login');
  });

  it('lists the passkey for management', async () => {
    const items = passkeyItems(device);
    await expect.poll(() => items.count()).toBe(1);
    const item = items.first();
    expect(await item.textContent()).toMatch(/Created .* last used/);
    expect(await item.getByRole('button', { name: /Delete passkey/ }).isVisible()).toBe(true);
    await screenshot(device.page, '09-manage-passkeys');
    await logOut(device);
    await expectLoggedOut(device, stack.demo.url);
  });
});
