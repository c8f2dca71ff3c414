import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SoftAuthenticator } from '@latchkey/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from '../../../test-support/src/chromium/launch-chromium.js';
import { addVirtualAuthenticator } from '../../../test-support/src/chromium/virtual-authenticator.js';
import { ensureConsoleProject } from '../../src/console/console-project.js';
import { ASSETS_DIR } from '../../src/console/http/static-assets.js';
import { createInvite } from '../../src/console/invites.js';
import { USERS_PAGE } from '../../src/console/http/user-routes.js';
import { IDLE_TIMEOUT, REAUTH_WINDOW } from '../../src/console/sessions.js';
import { findOrCreateUser } from '../../src/users/users.js';
import { appendPasskey, expectStatus } from '../helpers/ceremonies.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';

/**
 * The console in real Chromium with the CDP virtual authenticator, against a real server: the
 * invite link, passkey login, the views, re-authentication, a viewer refused, a cross-site form
 * refused, an expired session; axe-core on every view. SCREENSHOTS_DIR=… also saves each view in
 * light and dark (docs/images/console).
 */
// Callbacks passed to page.evaluate run in the page: these names exist there, not in Node.
declare const document: any;
declare const window: any;
declare const Event: any;

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env.SCREENSHOTS_DIR;
/** A shared machine can be slow: wait long for what the page will show, fail only if it never does. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let server: TestServer;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let evil: Server;

async function axeViolations(target: Page): Promise<string[]> {
  await target.addScriptTag({ path: AXE });
  const violations = await target.evaluate(async () => {
    const axe = (window as { axe: { run(context: unknown, options: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.targets.join(', ')}`);
}

/** axe in the current theme and the other one; screenshots of both when asked. */
async function checkView(name: string): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
      window.dispatchEvent(new Event('latchkey-theme'));
    }, theme);
    expect(await axeViolations(page), `${name} (${theme})`).toEqual([]);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}-${theme}.png`), fullPage: true });
  }
  await page.evaluate(() => delete document.documentElement.dataset.theme);
}

/**
 * Moves the server's clock past the owner's last passkey login, so that the next destructive action
 * asks for the passkey again. Each re-authentication happens at the advanced time and the clock is
 * then reset: the next call must go further still (each step is well within the idle timeout).
 */
let staleness = REAUTH_WINDOW + 10;
function makeLoginStale(): void {
  staleness += REAUTH_WINDOW + 10;
  server.clock.advance(staleness);
}

async function signIn(target: Page, email: string): Promise<void> {
  await target.getByLabel('Email').fill(email);
  await target.getByRole('button', { name: 'Sign in with a passkey' }).click();
}

async function register(target: Page, email: string, role: 'owner' | 'viewer'): Promise<void> {
  const invite = await createInvite(server.ctx, email, role);
  await target.goto(`${base}/console/#/invite/${invite.token}`);
  await target.getByRole('button', { name: 'Create my passkey' }).click();
  await poll(() => target.getByRole('status').textContent()).toContain(`Your passkey for ${email} is registered.`);
}

beforeAll(async () => {
  if (!existsSync(join(ASSETS_DIR, 'index.html'))) throw new Error(`the console is not built (${ASSETS_DIR}): run npm run build:console -w @latchkey/server`);
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer();
  const port = new URL(server.url).port;
  base = `http://localhost:${port}`;
  await ensureConsoleProject(server.ctx, base);
  browser = await launchChromium();
  // bypassCSP only so that axe-core can be injected; the page's own CSP is tested over HTTP.
  context = await browser.newContext({ viewport: { width: 1100, height: 800 }, bypassCSP: true });
  page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await addVirtualAuthenticator(page);
  // A page of another site that posts a form to the console's API.
  evil = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<form method="post" action="${base}/console/api/projects"><input name="name" value="pwned"></form><script>document.forms[0].submit()</script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await browser?.close();
  evil?.close();
  await server?.close();
});

describe('the operator console in Chromium', () => {
  it('invite link → passkey → sign in; the page has a strict CSP', async () => {
    const invite = await createInvite(server.ctx, 'owner@example.com', 'owner');
    const answer = await page.goto(`${base}/console/#/invite/${invite.token}`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: 'Register your passkey' }).waitFor();
    await checkView('invite');
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('Your passkey for owner@example.com is registered.');
    await page.getByRole('link', { name: 'Continue to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Latchkey console' }).waitFor();
    await checkView('login');
    await signIn(page, 'owner@example.com');
    await page.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
    expect(await page.getByText('owner@example.com (owner)').count()).toBe(1);
  });

  it('creates a project and shows its API secret once', async () => {
    await page.getByLabel('Name').fill('Shop');
    await page.getByLabel('RP ID (domain, e.g. example.com)').fill('localhost');
    await page.getByLabel('Origins (one per line, e.g. https://app.example.com)').fill('http://localhost:3000');
    await page.getByRole('button', { name: 'Create project' }).click();
    const secret = page.getByLabel('API secret');
    await poll(() => secret.inputValue()).toMatch(/^latchkey1_/);
    await checkView('projects');
    await page.getByRole('link', { name: 'Open Shop' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await checkView('project-settings');
  });

  it('bad input is answered next to the field', async () => {
    await page.getByLabel('signedPasskeyData lifetime (seconds, 10–600)').fill('600');
    await page.getByLabel('Origins (one per line)').fill('http://shop.example.com');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await poll(() => page.locator('#s-origins-error').textContent()).toContain('https');
  });

  it('creates an API secret shown once: not retrievable after', async () => {
    await page.getByRole('link', { name: 'API secrets' }).click();
    await page.getByRole('button', { name: 'Create API secret' }).click();
    const shown = page.getByLabel(/New API secret/);
    await poll(() => shown.inputValue()).toMatch(/^latchkey1_/);
    const value = await shown.inputValue();
    await checkView('project-secrets');
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('link', { name: 'API secrets' }).click();
    await page.getByRole('heading', { name: 'API secrets' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    expect(await page.content()).not.toContain(value);
    expect(await page.getByText(`…${value.slice(-4)}`).count()).toBe(1);
  });

  it('rotates the signing key', async () => {
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await poll(() => page.getByRole('status').textContent()).toMatch(/^Rotated: pki-\d+ now signs\.$/);
    expect(await page.getByText('published (verifies tokens it signed)').count()).toBe(1);
    await checkView('project-keys');
  });

  it('deletes a passkey after re-authentication with the owner\'s passkey', async () => {
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator(), 'kim@example.com'), 200);
    await page.goto(`${base}/console/#/projects/${server.main.project.id}/users`);
    await page.getByLabel('Identifier starts with (case as stored)').fill('kim@');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'kim@example.com' }).click();
    await page.getByRole('heading', { name: 'Passkeys of kim@example.com' }).waitFor();
    await checkView('project-users');
    server.clock.advance(REAUTH_WINDOW + 10);
    const reauth = page.waitForResponse((r) => r.url().endsWith('/console/api/session/reauth'));
    await page.getByRole('button', { name: /^Delete passkey cre-/ }).click();
    expect((await reauth).status()).toBe(200);
    await poll(() => page.getByText('No passkeys: this user signs in the way your app did before.').count()).toBe(1);
    server.clock.reset();
  });

  it('events newest first, charts and health pass axe', async () => {
    await page.goto(`${base}/console/#/projects/${server.main.project.id}/events`);
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    expect(await page.locator('tbody tr').first().textContent()).toContain('passkey-deleted');
    await checkView('project-events');
    // One latency sample (and heartbeat) of this server: the requests so far, in the current minute.
    await server.ops.sampleNow();
    await page.getByRole('link', { name: 'Charts' }).click();
    await page.locator('#chart-logins canvas').waitFor();
    await page.locator('#chart-latency canvas').waitFor();
    expect(await page.locator('.charts canvas').count()).toBe(5);
    expect(await page.locator('#latency-family').inputValue()).toBe('login');
    await checkView('project-charts');
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    expect(await page.locator('#health-instances').textContent()).toBe('one process, 1 worker seen in the last 180 s');
    await checkView('health');
  });

  it('searches users by identifier prefix, wildcards literal, pages with Next', async () => {
    for (const identifier of ['a_%b@example.com', 'axb@example.com']) await findOrCreateUser(server.ctx, server.main.project.id, identifier, identifier);
    for (let i = 0; i < USERS_PAGE + 3; i++) await findOrCreateUser(server.ctx, server.main.project.id, `bulk-${String(i).padStart(2, '0')}@example.com`, `bulk ${i}`);
    await page.goto(`${base}/console/#/projects/${server.main.project.id}/users`);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    const field = page.getByLabel('Identifier starts with (case as stored)');
    await field.fill('a_%');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('a_%b@example.com')]);
    await field.fill('bulk-');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.locator('tbody tr').count()).toBe(USERS_PAGE);
    expect(await page.locator('tbody tr').first().textContent()).toContain('bulk-00@example.com');
    await page.getByRole('button', { name: 'Next' }).click();
    await poll(() => page.locator('tbody tr').count()).toBe(3);
    expect(await page.locator('tbody tr').last().textContent()).toContain(`bulk-${USERS_PAGE + 2}@example.com`);
    await field.fill('Kim');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.getByText('No user\'s identifier starts with "Kim".').count()).toBe(1);
  });

  it('project settings show the rollout policy; the login kill switch asks for the passkey and says what users see', async () => {
    await page.goto(`${base}/console/#/projects/${server.main.project.id}/settings`);
    await page.getByRole('heading', { name: 'Passkey rollout and kill switches' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    // A value the browser lets through but the server's schema refuses: its message, next to the field.
    await page.getByLabel(/^Offer back-off/).fill('1, 99999');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await poll(() => page.locator('#pol-backoffDays-error').textContent()).toContain('nudge/backoffDays');
    await page.getByLabel(/^Offer back-off/).fill('1, 7, 30');
    await page.locator('#pol-login-enabled').uncheck();
    makeLoginStale();
    const reauth = page.waitForResponse((r) => r.url().endsWith('/console/api/session/reauth'));
    await page.getByRole('button', { name: 'Save policy' }).click();
    expect((await reauth).status()).toBe(200);
    await poll(() => page.locator('.notice').first().textContent()).toContain("your users sign in with your app's password form");
    expect((await server.main.frontend('/login/init', {})).body.loginAllowed).toBe(false);
    server.clock.reset();
    await checkView('project-policy');
    await page.locator('#pol-login-enabled').check();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await poll(() => page.getByText('Policy saved').count()).toBe(1);
    expect((await server.main.frontend('/login/init', {})).body.loginAllowed).toBe(true);
  });

  it('fits a 360 px wide screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const route of ['/projects', `/projects/${server.main.project.id}/settings`, `/projects/${server.main.project.id}/events`, `/projects/${server.main.project.id}/charts`, '/health', '/admins']) {
      await page.goto(`${base}/console/#${route}`);
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
      expect(await page.evaluate(() => document.documentElement.scrollWidth), route).toBeLessThanOrEqual(360);
    }
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('an expired session goes back to the login, then to where the administrator was', async () => {
    await page.goto(`${base}/console/#/projects/${server.main.project.id}/keys`);
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    // Well past the idle timeout, whatever the earlier tests did to the clock.
    server.clock.advance(2 * IDLE_TIMEOUT);
    // A fresh load (not a click): a request the page makes in the background may find the session
    // ended first and redraw the page under the pointer.
    await page.goto(`${base}/console/#/health`);
    await page.getByRole('heading', { name: 'Sign in to the Latchkey console' }).waitFor();
    expect(page.url()).toContain('#/login?next=%2Fhealth');
    server.clock.reset();
    await signIn(page, 'owner@example.com');
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
  });

  it('a cross-site form post is refused (403), and the session is unharmed', async () => {
    const evilPage = await context.newPage();
    const refused = evilPage.waitForResponse((r) => r.url() === `${base}/console/api/projects`);
    await evilPage.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
    const answer = await refused;
    expect(answer.status()).toBe(403);
    expect(await answer.json()).toMatchObject({ error: { code: 'csrf_refused' } });
    await evilPage.close();
    expect((await server.ctx.store.db.selectFrom('projects').select('name').where('name', '=', 'pwned').execute()).length).toBe(0);
  });

  it('a viewer sees why a change is refused (403)', async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const viewer = await viewerContext.newPage();
    await addVirtualAuthenticator(viewer);
    await register(viewer, 'viewer@example.com', 'viewer');
    await viewer.goto(`${base}/console/#/login`);
    await signIn(viewer, 'viewer@example.com');
    await viewer.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
    await viewer.getByLabel('Name').fill('Nope');
    await viewer.getByLabel('RP ID (domain, e.g. example.com)').fill('localhost');
    await viewer.getByLabel('Origins (one per line, e.g. https://app.example.com)').fill('http://localhost:3000');
    await viewer.getByRole('button', { name: 'Create project' }).click();
    await poll(() => viewer.locator('#p-form-error').textContent()).toContain('viewer@example.com is a viewer');
    await viewerContext.close();
  });

  it('administrators: list, invite link shown once, a viewer refused with the reason, removal after re-auth ends their session', async () => {
    await page.goto(`${base}/console/#/admins`);
    await page.getByRole('heading', { name: 'Administrators' }).waitFor();
    // Polled: the view draws before its list request has started, so "not busy" alone can see an
    // earlier list.
    await poll(() => page.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('owner@example.com'), expect.stringContaining('viewer@example.com')]);
    await page.getByLabel('Email').fill('auditor@example.com');
    await page.getByLabel('Role').selectOption('owner');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const link = page.getByLabel('Invite link');
    await poll(() => link.inputValue()).toMatch(new RegExp(`^${base}/console/#/invite/inv1_`));
    const inviteUrl = await link.inputValue();
    await checkView('admins');

    // The auditor registers through the link, signs in as an owner and opens the same view…
    const auditorContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const auditor = await auditorContext.newPage();
    auditor.on('dialog', (dialog) => void dialog.accept());
    await addVirtualAuthenticator(auditor);
    await auditor.goto(inviteUrl);
    await auditor.getByRole('button', { name: 'Create my passkey' }).click();
    await poll(() => auditor.getByRole('status').textContent()).toContain('Your passkey for auditor@example.com is registered.');
    await auditor.goto(`${base}/console/#/login?next=%2Fadmins`);
    await signIn(auditor, 'auditor@example.com');
    await auditor.getByRole('heading', { name: 'Administrators' }).waitFor();
    await auditor.getByRole('button', { name: 'Remove viewer@example.com' }).waitFor();

    // …is made a viewer meanwhile (the owner re-authenticates first), and their attempt is refused with the reason.
    await page.reload();
    makeLoginStale();
    const reauth = page.waitForResponse((r) => r.url().endsWith('/console/api/session/reauth'));
    await page.getByRole('button', { name: 'Make viewer auditor@example.com' }).click();
    expect((await reauth).status()).toBe(200);
    await poll(() => page.getByRole('status').textContent()).toContain('auditor@example.com is now a viewer.');
    server.clock.reset();
    const refused = auditor.waitForResponse((r) => r.request().method() === 'DELETE');
    await auditor.getByRole('button', { name: 'Remove viewer@example.com' }).click();
    expect((await refused).status()).toBe(403);
    await poll(() => auditor.locator('main .error').first().textContent()).toContain('auditor@example.com is a viewer: viewers can look but not change anything');
    await auditor.reload();
    await auditor.getByText('You are a viewer').waitFor();
    expect(await auditor.getByRole('button', { name: /^Remove / }).count()).toBe(0);

    // The owner removes them (passkey again, the window having passed): the auditor's next request is a 401.
    makeLoginStale();
    const again = page.waitForResponse((r) => r.url().endsWith('/console/api/session/reauth'));
    await page.getByRole('button', { name: 'Remove auditor@example.com' }).click();
    expect((await again).status()).toBe(200);
    await poll(() => page.getByRole('status').textContent()).toContain('auditor@example.com was removed.');
    server.clock.reset();
    expect(await page.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('owner@example.com'), expect.stringContaining('viewer@example.com')]);
    await auditor.goto(`${base}/console/#/projects`);
    await auditor.getByRole('heading', { name: 'Sign in to the Latchkey console' }).waitFor();
    await auditorContext.close();
  });
});
