import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, newDevice, screenshot } from './helpers/browser.js';
import { startStack, type Stack } from './helpers/stack.js';
import { expectLoggedIn, expectLoggedOut, logOut, sessionMethod, signUp } from './helpers/steps.js';

/**
 * Latchkey sits in front of the app's own login and must never lock anyone out: with Latchkey
 * refusing the page's origin or stopped, the login page shows the password form by itself as it
 * loads, and the password works.
 */
let stack: Stack;
let browser: Browser;
let latchkeyStopped = false;
const cleo = { email: 'cleo@example.com', name: 'Cleo Example', password: 'cleos own long password' };

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), connectBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  if (latchkeyStopped) await stack?.demo.close();
  else await stack?.close();
});

describe('Latchkey refusing the page\'s origin', () => {
  it('the login page opens on an origin the project does not list: the password form, and the console names the origin and the fix', async () => {
    const device = await newDevice(browser);
    const { page } = device;
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const foreign = stack.demo.url.replace('localhost', '127.0.0.1');
    await page.goto(`${foreign}/login`);
    await expect.poll(() => page.locator('#password-login').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('#fallback-reason').textContent()).toBe('Passkey login is not available on this page. Log in with your password.');
    await expect.poll(() => consoleErrors.find((text) => text.startsWith('Latchkey:')), { timeout: 10_000 }).toContain(
      `origin ${foreign} is not an allowed origin of project ${stack.projectId}; an operator allows it with \`latchkey project update ${stack.projectId} --origin ${foreign}\``,
    );
    await device.context.close();
  });
});

describe('Latchkey stopped', () => {
  it('the login page offers the password form at once, says why, and the password login works', async () => {
    const device = await newDevice(browser);
    await signUp(device, stack.demo.url, cleo);
    await logOut(device);

    await stack.latchkey.close();
    latchkeyStopped = true;
    const { page } = device;
    await page.goto(`${stack.demo.url}/login`);
    const passwordForm = page.locator('#password-login');
    await expect.poll(() => passwordForm.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('#fallback-reason').textContent()).toBe('Passkey login is not available right now. Log in with your password.');
    expect(await page.locator('latchkey-login').getByRole('status').textContent()).toBe('Passkey sign-in is not available right now. Sign in another way.');
    await expectLoggedOut(device, stack.demo.url);
    await screenshot(page, '18-latchkey-down-password-form');

    await page.locator('#login-email').fill(cleo.email);
    await page.locator('#login-password').fill(cleo.password);
    await passwordForm.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${stack.demo.url}/account`);
    expect(await sessionMethod(device)).toBe('password');
    await expectLoggedIn(device, stack.demo.url);
  });
});
