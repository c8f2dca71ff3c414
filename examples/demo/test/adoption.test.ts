import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, newDevice, screenshot, type Device } from './helpers/browser.js';
import { startStack, type Stack } from './helpers/stack.js';
import { logOut, passkeyItems, signUp, until } from './helpers/steps.js';

/**
 * The adoption engine in the demo: after a password login the account page asks Latchkey whether
 * to offer a passkey, and honours "Not now" on this device; the app reports its password logins to
 * Latchkey (Backend API) with the browser's device id.
 */
const here = dirname(fileURLToPath(import.meta.url));
/** The docs show the account page offering a passkey (docs/adoption.md). */
const DOCS_SCREENSHOT = join(here, '../../../docs/images/demo-account-passkey-offer.png');

let stack: Stack;
let browser: Browser;
let laptop: Device;
const dana = { email: 'dana@example.com', name: 'Dana Example', password: 'danas own long password' };

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), connectBrowser()]);
  laptop = await newDevice(browser);
  await signUp(laptop, stack.demo.url, dana);
  await logOut(laptop);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const offerCard = (device: Device) => device.page.locator('latchkey-append[offer]').getByRole('region', { name: 'Sign in faster with a passkey' });

/** Log in with the password from the (quiet) login page; resolves with Latchkey's append/init answer for the offer. */
async function logInWithPassword(device: Device): Promise<Record<string, any>> {
  const { page } = device;
  await page.locator('#use-password').click();
  await page.locator('#login-email').fill(dana.email);
  await page.locator('#login-password').fill(dana.password);
  const offerAnswer = page.waitForResponse((response) => response.url().endsWith('/v2/connect/append/init'));
  await page.locator('#password-login').getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${stack.demo.url}/account`);
  return (await offerAnswer).json();
}

/** Rows Latchkey keeps for the adoption report (read from its store: the funnel is built from them). */
async function adoptionEvents(type: string): Promise<Record<string, any>[]> {
  return stack.latchkey.server.ctx.store.db.selectFrom('adoption_events').selectAll().where('type', '=', type).execute();
}

describe('after a password login', () => {
  it('the account page offers a passkey; "Not now" holds for this device; later the offer returns and "Add a passkey" works', async () => {
    const { page } = laptop;
    const first = await logInWithPassword(laptop);
    expect(first).toMatchObject({ appendAllowed: true, decisionTags: [] });
    await offerCard(laptop).waitFor();
    expect(await offerCard(laptop).getByRole('button', { name: 'Add a passkey' }).isVisible()).toBe(true);
    expect(await offerCard(laptop).getByRole('button', { name: 'Not now' }).isVisible()).toBe(true);
    await screenshot(page, 'adoption-01-offer');
    mkdirSync(dirname(DOCS_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });

    // The app's backend reported the password login, with the device id the browser SDK keeps.
    const deviceId = await page.evaluate(() => localStorage.getItem('latchkey:device-id'));
    expect(deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const [passwordLogin] = await until('the password login in Latchkey', () => adoptionEvents('password-login'), (rows) => rows.length === 1);
    expect(passwordLogin).toMatchObject({ source: 'client', method: 'password', device_id: deviceId, os_family: 'linux', browser_family: 'chrome', identifier_hash: expect.any(String) });
    expect(passwordLogin!.identifier_hash).not.toContain('dana');
    // The page reported that it showed the offer.
    await until('offer-shown from the page', () => adoptionEvents('offer-shown'), (rows) => rows.length === 1);

    await offerCard(laptop).getByRole('button', { name: 'Not now' }).click();
    await offerCard(laptop).waitFor({ state: 'detached' });
    await until('the decline in Latchkey', () => adoptionEvents('offer-declined'), (rows) => rows.length === 1);

    await logOut(laptop);
    const second = await logInWithPassword(laptop);
    expect(second).toMatchObject({ appendAllowed: false, decisionTags: ['declined-recently'] });
    expect(await offerCard(laptop).count()).toBe(0);
    await screenshot(page, 'adoption-02-no-offer-after-not-now');

    // A day later (Latchkey's clock), the back-off is over.
    stack.latchkey.clock.advance(86_400 + 1);
    await logOut(laptop);
    expect(await logInWithPassword(laptop)).toMatchObject({ appendAllowed: true });
    await offerCard(laptop).getByRole('button', { name: 'Add a passkey' }).click();
    await until('"Passkey created"', () => page.locator('latchkey-append[offer]').getByRole('status').textContent(), (text) => !!text?.includes('Passkey created'));
    await until('1 passkey listed', () => passkeyItems(laptop).count(), (count) => count === 1);
    await screenshot(page, 'adoption-03-offer-accepted');

    // This device has its passkey now: no offer, even after another password login. The login page's
    // autofill could now complete a passkey login on its own (the virtual authenticator answers at
    // once); this step is about the password path, so the authenticator stops answering by itself.
    await laptop.setPresence(false);
    await logOut(laptop);
    expect(await logInWithPassword(laptop)).toMatchObject({ appendAllowed: false, decisionTags: ['passkey-on-device'] });
    expect(await offerCard(laptop).count()).toBe(0);

    // The report: four password logins reported by the app, the two offers the page showed, the
    // decline, and the passkey added from the offer (over two days of Latchkey's clock).
    const report = await fetch(`${stack.latchkey.url}/v2/analytics/funnel?groupBy=platform`, {
      headers: { authorization: `Basic ${Buffer.from(`${stack.projectId}:${stack.apiSecret}`).toString('base64')}` },
    });
    expect(report.status).toBe(200);
    const body = (await report.json()) as { rows: Record<string, any>[]; usersWithPasskey: number };
    expect(body.rows).toEqual([
      expect.objectContaining({
        osFamily: 'linux',
        offers: 2,
        appendsDeclined: 1,
        appendsCompleted: 1,
        logins: { passkeyIdentifier: 0, passkeyConditionalUI: 0, passkeyOneTap: 0, password: 4 },
        passkeyLoginRate: 0,
      }),
    ]);
    expect(body.usersWithPasskey).toBe(1);
  });
});
