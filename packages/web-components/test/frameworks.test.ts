import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addVirtualAuthenticator, startBrowserStack, toStandardBase64, type BrowserStack, type ConnectTokenType, type StaticServer, type TestLatchkey, type VirtualAuthenticator } from '@latchkey/test-support';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIST_DIR, hideFromAutofill, screenshot } from './helpers/pages.js';

/**
 * The elements inside React 19 and Vue 3 apps, written the way docs/browser-sdk.md tells their
 * users to, in Chromium against a real Latchkey server: properties (tokenProvider) and custom
 * events (latchkey-complete) must reach the elements and the frameworks' handlers.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const VUE_DIST = dirname(createRequire(import.meta.url).resolve('vue/dist/vue.esm-browser.prod.js'));

interface Handled {
  recipe: 'props' | 'ref' | 'vue';
  element: string;
  type: string;
  detail: Record<string, any>;
}

declare global {
  interface Window {
    latchkeyConfig: { baseUrl: string; projectId: string };
    handled: Handled[];
    issueToken(type: ConnectTokenType): Promise<string>;
  }
}

const pages: Record<string, string> = {};
let stack: BrowserStack;
let site: StaticServer, latchkey: TestLatchkey;
let page: Page;
let authenticator: VirtualAuthenticator;
let reactDir: string;
/** Who the app's "backend" issues connect tokens for, and every token type it was asked for. */
let user = '';
let requested: ConnectTokenType[] = [];

function appPage(title: string, head: string, mount: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script>window.latchkeyConfig = ${JSON.stringify(stack.config)};</script>
${head}</head>
<body><h1>${title}</h1>${mount}</body></html>`;
}

beforeAll(async () => {
  // The React app as an app's bundler would ship it: JSX compiled, react and the npm package
  // (@latchkey/web-components → dist/index.js) bundled into one ES module.
  reactDir = mkdtempSync(join(tmpdir(), 'latchkey-react-'));
  const bundled = build({
    entryPoints: [join(FIXTURES, 'react-app.jsx')],
    outdir: reactDir,
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  // More specific prefixes first: the static server stops at the first prefix that matches.
  [stack] = await Promise.all([
    startBrowserStack(pages, { '/react/': reactDir, '/vue/': VUE_DIST, '/fixtures/': FIXTURES, '/': DIST_DIR }),
    bundled,
  ]);
  ({ site, latchkey } = stack);
  pages['/react'] = appPage('React 19', '<script type="module" src="/react/react-app.js"></script>', '<div id="root"></div>');
  // Vue without a build step: the elements' standalone bundle, then the app on Vue's browser build.
  pages['/vue'] = appPage(
    'Vue 3',
    '<script type="module" src="/latchkey-elements.js"></script><script type="module" src="/fixtures/vue-app.js"></script>',
    '<div id="app"></div>',
  );
  const context = await stack.browser.newContext({ viewport: { width: 640, height: 520 } });
  // Stands in for the app's backend endpoint that creates connect tokens for the logged-in user.
  await context.exposeFunction('issueToken', async (type: ConnectTokenType) => {
    requested.push(type);
    return latchkey.project.connectToken(type, user);
  });
  page = await context.newPage();
  authenticator = await addVirtualAuthenticator(page);
});

afterAll(async () => {
  await stack?.close();
  if (reactDir) rmSync(reactDir, { recursive: true, force: true });
});

beforeEach(async () => {
  requested = [];
  await authenticator.clear();
});

async function openApp(path: string, identifier: string): Promise<void> {
  user = identifier;
  await latchkey.project.connectToken('passkey-append', identifier); // the app's user exists in Latchkey
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => customElements.get('latchkey-login') !== undefined && document.querySelector('latchkey-passkey-list') !== null);
  // The list loaded through the tokenProvider the framework handed over.
  await expect.poll(() => page.getByText('You have no passkeys yet.').count()).toBe(1);
}

/** The next thing a framework handler received, after the first `seen`. */
async function nextHandled(seen: number): Promise<Handled> {
  await page.waitForFunction((count) => window.handled.length > count, seen, { timeout: 10_000 });
  return (await page.evaluate(() => window.handled))[seen]!;
}

/** tokenProvider arrived as a property (a function on the element), never as an attribute. */
async function tokenProviderIsAProperty(): Promise<unknown> {
  return page.evaluate(() =>
    (['latchkey-append', 'latchkey-passkey-list'] as const).map((name) => {
      const element = document.querySelector(name)!;
      return { name, property: typeof element.tokenProvider, attributes: element.getAttributeNames().sort() };
    }),
  );
}

/** Add a passkey with the app's <latchkey-append> (Enter on its button), as the user would. */
async function appendThroughTheApp(): Promise<Record<string, any>> {
  await page.getByRole('button', { name: 'Create a passkey' }).press('Enter');
  const list = page.getByRole('list', { name: 'Your passkeys' });
  // The list refreshed from the framework's latchkey-complete handler.
  await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
  expect(requested).toEqual(['passkey-list', 'passkey-append', 'passkey-list']);
  const passkeys = (await authenticator.credentialIds());
  expect(passkeys).toHaveLength(1);
  return { credentialId: passkeys[0] };
}

/** Identifier-first login with the app's <latchkey-login>: type the identifier, Enter. */
async function loginThroughTheApp(seen: number): Promise<Handled> {
  // The appended passkey is discoverable: Chromium's virtual authenticator would hand it to
  // autofill as soon as the field gets focus. A non-discoverable copy makes the test type.
  await hideFromAutofill(authenticator);
  const field = page.getByLabel('Email or username');
  await field.pressSequentially(user);
  await field.press('Enter');
  const handled = await nextHandled(seen);
  expect(handled).toMatchObject({ element: 'latchkey-login', type: 'latchkey-complete', detail: { signedPasskeyData: expect.any(String) } });
  const verified = await latchkey.project.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: handled.detail.signedPasskeyData, username: user });
  expect(verified.body).toMatchObject({ verificationResult: 'success' });
  return handled;
}

describe('React 19', () => {
  it('passes tokenProvider as a property and delivers latchkey-complete to onlatchkey-complete props: append, then login', async () => {
    await openApp('/react?recipe=props', 'react19@example.com');
    expect(await tokenProviderIsAProperty()).toEqual([
      { name: 'latchkey-append', property: 'function', attributes: ['base-url', 'project-id'] },
      { name: 'latchkey-passkey-list', property: 'function', attributes: ['base-url', 'project-id'] },
    ]);

    const { credentialId } = await appendThroughTheApp();
    const appended = await nextHandled(0);
    expect(appended).toMatchObject({ recipe: 'props', element: 'latchkey-append', type: 'latchkey-complete', detail: { passkey: { id: expect.stringMatching(/^cre-/) } } });
    expect(toStandardBase64(appended.detail.passkey.credentialId)).toBe(credentialId);
    // The handler's state update rendered.
    expect(await page.locator('#react-added').textContent()).toBe(`React saw passkey ${appended.detail.passkey.id}`);

    const login = await loginThroughTheApp(1);
    expect(login).toMatchObject({ recipe: 'props', detail: { identifier: 'react19@example.com', isConditionalUI: false } });
    expect(await page.locator('#react-signed-in').textContent()).toBe('React saw a login for react19@example.com');
    await screenshot(page, 'framework-react');
  });

  it('runs the docs’ ref recipe (properties and listeners set in an effect): append, then login', async () => {
    await openApp('/react?recipe=ref', 'react-ref@example.com');
    expect(await tokenProviderIsAProperty()).toEqual([
      { name: 'latchkey-append', property: 'function', attributes: ['base-url', 'project-id'] },
      { name: 'latchkey-passkey-list', property: 'function', attributes: ['base-url', 'project-id'] },
    ]);
    // The recipe's append listener is the list's refresh(), checked inside appendThroughTheApp.
    await appendThroughTheApp();
    const login = await loginThroughTheApp(0);
    expect(login.recipe).toBe('ref');
  });
});

describe('Vue 3', () => {
  it('binds :tokenProvider.prop and delivers latchkey-complete to @latchkey-complete: append, then login', async () => {
    await openApp('/vue', 'vue@example.com');
    expect(await tokenProviderIsAProperty()).toEqual([
      { name: 'latchkey-append', property: 'function', attributes: ['base-url', 'project-id'] },
      { name: 'latchkey-passkey-list', property: 'function', attributes: ['base-url', 'project-id'] },
    ]);

    const { credentialId } = await appendThroughTheApp();
    const appended = await nextHandled(0);
    expect(appended).toMatchObject({ recipe: 'vue', element: 'latchkey-append', type: 'latchkey-complete', detail: { passkey: { id: expect.stringMatching(/^cre-/) } } });
    expect(toStandardBase64(appended.detail.passkey.credentialId)).toBe(credentialId);
    await expect.poll(() => page.locator('#vue-added').textContent()).toBe(`Vue saw passkey ${appended.detail.passkey.id}`);

    const login = await loginThroughTheApp(1);
    expect(login).toMatchObject({ recipe: 'vue', detail: { identifier: 'vue@example.com', isConditionalUI: false } });
    await expect.poll(() => page.locator('#vue-signed-in').textContent()).toBe('Vue saw a login for vue@example.com');
    await screenshot(page, 'framework-vue');
  });
});
