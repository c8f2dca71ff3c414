import { expect } from 'vitest';
import type { Device } from './browser.js';

/**
 * Polls until `check` holds (usable in hooks too, unlike expect.poll); fails with `what` and the
 * last value seen.
 */
export async function until<T>(what: string, read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Steps of the user's journey, as a person does them on the pages. Each one waits for what the
 * person would see before the next step starts.
 */

export async function signUp(device: Device, baseUrl: string, account: { email: string; name: string; password: string }): Promise<void> {
  const { page } = device;
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel('E-mail address').fill(account.email);
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${baseUrl}/account?welcome`);
}

/** Waits until the page has asked for passkey autofill (a pending conditional WebAuthn request). */
export async function waitForAutofillRequest(device: Device): Promise<void> {
  await until('a passkey autofill request', () => device.webauthnGets(), (gets) => gets.includes('conditional'));
}

/** Forget the WebAuthn requests seen so far (before a step whose requests the test checks). */
export const resetRequests = (device: Device): void => device.resetWebauthnGets();

/**
 * Opens the login page without letting passkey autofill answer at once. Chromium's virtual
 * authenticator answers an autofill request immediately when it holds a passkey (as if the person
 * picked it the moment the page opened); with presence simulation off the request stays pending,
 * as it does in front of a person who has not chosen yet. Presence is back on when this returns.
 */
export async function openLoginPageQuietly(device: Device, url: string): Promise<void> {
  await device.setPresence(false);
  device.resetWebauthnGets();
  try {
    await device.page.goto(url);
    await waitForAutofillRequest(device);
  } finally {
    await device.setPresence(true);
  }
}

/** Logs out from any page with the header's button, landing on a quiet login page. */
export async function logOut(device: Device): Promise<void> {
  await device.setPresence(false);
  device.resetWebauthnGets();
  try {
    await device.page.getByRole('button', { name: 'Log out' }).first().click();
    await device.page.waitForURL(/\/login\?loggedOut$/);
    await waitForAutofillRequest(device);
  } finally {
    await device.setPresence(true);
  }
}

/** Identifier-first: types the address into <latchkey-login> and presses its button. */
export async function loginWithPasskey(device: Device, email: string): Promise<void> {
  await device.page.locator('latchkey-login input').fill(email);
  await device.page.locator('latchkey-login').getByRole('button', { name: 'Log in with a passkey' }).click();
}

export async function addPasskey(device: Device, expectedCount: number): Promise<void> {
  const { page } = device;
  await page.locator('latchkey-append:not([offer])').getByRole('button', { name: 'Add a passkey' }).click();
  await until('"Passkey added"', () => page.locator('latchkey-append:not([offer])').getByRole('status').textContent(), (text) => !!text?.includes('Passkey added'));
  await until(`${expectedCount} passkeys listed`, () => passkeyItems(device).count(), (count) => count === expectedCount);
}

export const passkeyItems = (device: Device) => device.page.locator('latchkey-passkey-list li');

export async function sessionMethod(device: Device): Promise<string | null> {
  return device.page.locator('#session-method').getAttribute('data-method');
}

/**
 * The app's state, not just the page: the browser holds no session cookie, and the account page
 * sends it to log in. Asked over the context's HTTP client (same cookies), so no login page opens
 * (which would start passkey autofill).
 */
export async function expectLoggedOut(device: Device, baseUrl: string): Promise<void> {
  expect(await device.sessionCookie()).toBeUndefined();
  const response = await device.context.request.get(`${baseUrl}/account`, { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toBe('/login?expired');
}

/** The session cookie is there and the account page opens with it (again asked over HTTP). */
export async function expectLoggedIn(device: Device, baseUrl: string): Promise<void> {
  expect(await device.sessionCookie()).toBeDefined();
  const response = await device.context.request.get(`${baseUrl}/account`, { maxRedirects: 0 });
  expect(response.status()).toBe(200);
}
