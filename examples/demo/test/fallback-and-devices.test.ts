import { createClient, type LatchkeyClient } from '@latchkey/node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, newDevice, screenshot, type Device } from './helpers/browser.js';
import { startStack, type Stack } from './helpers/stack.js';
import { addPasskey, expectLoggedIn, expectLoggedOut, loginWithPasskey, logOut, passkeyItems, resetRequests, sessionMethod, signUp } from './helpers/steps.js';

/**
 * When a passkey is not the way in: a cancelled prompt, a second device, a deleted passkey. Each
 * time the app's own password login takes over, prefilled, and works.
 */
let stack: Stack;
let browser: Browser;
let laptop: Device;
let phone: Device;
let latchkey: LatchkeyClient;
const bob = { email: 'bob@example.com', name: 'Bob Example', password: 'bobs own long password' };

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), connectBrowser()]);
  latchkey = createClient({ baseUrl: stack.latchkey.url, projectId: stack.projectId, apiSecret: stack.apiSecret });
  laptop = await newDevice(browser);
  await signUp(laptop, stack.demo.url, bob);
  await addPasskey(laptop, 1);
  await logOut(laptop);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const passwordForm = (device: Device) => device.page.locator('#password-login');

async function logInWithPassword(device: Device): Promise<void> {
  await device.page.locator('#login-password').fill(bob.password);
  await passwordForm(device).getByRole('button', { name: 'Log in' }).click();
  await device.page.waitForURL(`${stack.demo.url}/account`);
}

/** Latchkey's passkey id (cre-…) of the passkey a device's authenticator holds. */
async function passkeyIdOf(device: Device): Promise<string> {
  const [credential] = await device.credentials();
  const credentialId = Buffer.from(credential!.credentialId, 'base64').toString('base64url');
  const user = await latchkey.users.findByIdentifier(bob.email);
  const passkey = (await latchkey.users.listPasskeys(user!.userID)).find((p) => p.credentialId === credentialId);
  return passkey!.id;
}

describe('falling back to the password', () => {
  it('a user who cancels the passkey prompt gets the password form, prefilled, and logs in with the password', async () => {
    const { page } = laptop;
    await laptop.setUserVerified(false); // the person dismisses the prompt / fails the check
    try {
      await loginWithPasskey(laptop, bob.email);
      await expect.poll(() => passwordForm(laptop).isVisible()).toBe(true);
    } finally {
      await laptop.setUserVerified(true);
    }
    expect(await page.locator('latchkey-login').getByRole('status').textContent()).toContain('The passkey was not used');
    expect(await page.locator('#fallback-reason').textContent()).toContain('Log in with your password instead');
    expect(await page.locator('#login-email').inputValue()).toBe(bob.email);
    expect(await page.locator('#login-password').evaluate((el) => el === document.activeElement)).toBe(true);
    await expectLoggedOut(laptop, stack.demo.url);
    await screenshot(page, '10-cancelled-password-form');

    await logInWithPassword(laptop);
    expect(await sessionMethod(laptop)).toBe('password');
    await expectLoggedIn(laptop, stack.demo.url);
    await screenshot(page, '11-logged-in-with-password');
  });

  it('a second device logs in with the password and adds its own passkey: both are listed', async () => {
    phone = await newDevice(browser);
    const { page } = phone;
    await page.goto(`${stack.demo.url}/login`);
    await page.getByRole('link', { name: 'Log in with your password instead' }).click();
    await page.locator('#login-email').fill(bob.email);
    await logInWithPassword(phone);
    await expect.poll(() => passkeyItems(phone).count()).toBe(1); // the laptop's
    await addPasskey(phone, 2);
    await screenshot(page, '12-second-device-two-passkeys');

    await laptop.page.reload();
    await expect.poll(() => passkeyItems(laptop).count()).toBe(2);
    const user = await latchkey.users.findByIdentifier(bob.email);
    expect(await latchkey.users.listPasskeys(user!.userID)).toHaveLength(2);
  });

  it("after the phone's passkey is deleted, it no longer logs in there, and the password form takes over", async () => {
    const phonePasskey = await passkeyIdOf(phone);
    const laptopPasskey = await passkeyIdOf(laptop);
    const item = laptop.page.locator(`latchkey-passkey-list li[data-passkey-id="${phonePasskey}"]`);
    await item.getByRole('button', { name: /Delete passkey/ }).click();
    await expect.poll(() => passkeyItems(laptop).count()).toBe(1);
    expect(await laptop.page.locator('latchkey-passkey-list').getByRole('status').textContent()).toContain('deleted');
    expect(await laptop.page.locator(`latchkey-passkey-list li[data-passkey-id="${laptopPasskey}"]`).count()).toBe(1);
    await screenshot(laptop.page, '13-passkey-deleted');
    const user = await latchkey.users.findByIdentifier(bob.email);
    expect((await latchkey.users.listPasskeys(user!.userID)).map((p) => p.id)).toEqual([laptopPasskey]);

    // The phone still holds its passkey and offers it in autofill the moment the login page opens.
    await logOut(phone);
    expect(await phone.credentials()).toHaveLength(1);
    resetRequests(phone);
    await phone.page.goto(`${stack.demo.url}/login`);
    const { page } = phone;
    await expect.poll(() => passwordForm(phone).isVisible()).toBe(true);
    expect(await page.locator('latchkey-login').getByRole('status').textContent()).toContain('no longer valid here');
    expect(page.url()).toBe(`${stack.demo.url}/login`);
    await expectLoggedOut(phone, stack.demo.url);
    await screenshot(page, '14-deleted-passkey-refused');
    // Latchkey's audit trail: an autofill login with an unknown passkey (no user to file it under).
    const events = await latchkey.passkeyEvents.list({});
    expect(events.passkeyEvents.at(-1)).toMatchObject({ type: 'login-failed', userID: null, detail: { reason: 'unknown_credential', isCUI: true } });

    // Identifier-first from the phone: Latchkey asks only for the laptop's passkey, which the phone lacks.
    await loginWithPasskey(phone, bob.email);
    await expect.poll(() => page.locator('#fallback-reason').textContent()).toContain('Log in with your password');
    expect(await page.locator('#login-email').inputValue()).toBe(bob.email);
    await expectLoggedOut(phone, stack.demo.url);
    await screenshot(page, '15-deleted-passkey-password-form');
    await logInWithPassword(phone);
    expect(await sessionMethod(phone)).toBe('password');
    await expectLoggedIn(phone, stack.demo.url);
  });
});
