import { addVirtualAuthenticator, startBrowserStack, toStandardBase64, type BrowserStack, type ConnectTokenType, type StaticServer, type TestLatchkey, type VirtualAuthenticator } from '@latchkey/test-support';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { componentPage, DIST_DIR, events, nextEvent, openComponentPage, screenshot } from './helpers/pages.js';

/** <latchkey-append> and <latchkey-passkey-list> from the standalone bundle, against a real server. */
const pages: Record<string, string> = {};
let stack: BrowserStack;
let site: StaticServer, latchkey: TestLatchkey;
let page: Page;
let authenticator: VirtualAuthenticator;

/** Who the page's "backend" issues connect tokens for, and every token type it was asked for. */
let user = '';
let requested: ConnectTokenType[] = [];
let tokenDelayMs = 0;
let failTokens = false;
/** The app's answer for a user Latchkey does not know yet: no passkey-list token (null). */
let unknownToLatchkey = false;

beforeAll(async () => {
  stack = await startBrowserStack(pages, { '/': DIST_DIR });
  ({ site, latchkey } = stack);
  const attributes = `base-url="${latchkey.url}" project-id="${latchkey.project.id}"`;
  pages['/bundle'] = componentPage('Bundle', '');
  // The recipe from the docs: a tokenProvider that asks the app's backend, and the list refreshed
  // when a passkey was added.
  pages['/account'] = componentPage(
    'Your passkeys',
    `<latchkey-append ${attributes}></latchkey-append>
    <latchkey-passkey-list ${attributes}></latchkey-passkey-list>
    <script type="module">
      const tokenProvider = (type) => window.issueToken(type);
      const list = document.querySelector('latchkey-passkey-list');
      document.querySelector('latchkey-append').tokenProvider = tokenProvider;
      list.tokenProvider = tokenProvider;
      document.querySelector('latchkey-append').addEventListener('latchkey-complete', () => list.refresh());
    </script>`,
  );
  const context = await stack.browser.newContext({ viewport: { width: 640, height: 420 } });
  // Stands in for the app's backend endpoint that creates connect tokens for the logged-in user.
  await context.exposeFunction('issueToken', async (type: ConnectTokenType) => {
    requested.push(type);
    if (tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, tokenDelayMs));
    if (failTokens) throw new Error('session expired');
    if (unknownToLatchkey && type === 'passkey-list') return null;
    return latchkey.project.connectToken(type, user);
  });
  page = await context.newPage();
  authenticator = await addVirtualAuthenticator(page);
});

afterAll(() => stack?.close());

beforeEach(() => {
  requested = [];
  tokenDelayMs = 0;
  failTokens = false;
  unknownToLatchkey = false;
});

async function openAccount(identifier: string): Promise<void> {
  user = identifier;
  await latchkey.project.connectToken('passkey-append', identifier); // the app's user exists in Latchkey
  await openComponentPage(page, `${site.origin}/account`, 'latchkey-passkey-list');
}

async function serverPasskeys(identifier: string): Promise<Array<{ id: string; name: string | null }>> {
  const users = (await latchkey.project.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users;
  return (await latchkey.project.backend('GET', `/users/${users[0].userID}/passkeys`)).body.passkeys;
}

describe('the bundle', () => {
  it('registers all three elements and exports createLatchkey', async () => {
    await openComponentPage(page, `${site.origin}/bundle`, 'latchkey-login');
    expect(await page.evaluate(() => ({
      login: customElements.get('latchkey-login') === window.latchkeyBundle.LatchkeyLogin,
      append: customElements.get('latchkey-append') === window.latchkeyBundle.LatchkeyAppend,
      list: customElements.get('latchkey-passkey-list') === window.latchkeyBundle.LatchkeyPasskeyList,
      createLatchkey: typeof window.latchkeyBundle.createLatchkey,
      defineTwice: (window.latchkeyBundle.defineLatchkeyElements(), 'no error'),
    }))).toEqual({ login: true, append: true, list: true, createLatchkey: 'function', defineTwice: 'no error' });
  });
});

describe('<latchkey-append> and <latchkey-passkey-list>', () => {
  it('list an account without passkeys as such', async () => {
    await openAccount('nina@example.com');
    await expect.poll(() => page.getByText('You have no passkeys yet.').count()).toBe(1);
    expect(requested).toEqual(['passkey-list']);
    expect(await page.getByRole('list').count()).toBe(0);
  });

  it('list a user Latchkey does not know yet (the tokenProvider resolves null) as having none, without an error', async () => {
    unknownToLatchkey = true;
    user = 'not-yet@example.com';
    await openComponentPage(page, `${site.origin}/account`, 'latchkey-passkey-list');
    await expect.poll(() => page.getByText('You have no passkeys yet.').count()).toBe(1);
    expect(requested).toEqual(['passkey-list']);
    expect(await events(page)).toEqual([]);
    expect(await page.locator('latchkey-passkey-list').getByRole('status').textContent()).toBe('');
  });

  it('add a passkey from the keyboard alone (Tab, Enter), and the list shows it', async () => {
    await authenticator.clear();
    await openAccount('olga@example.com');
    await expect.poll(() => page.getByText('You have no passkeys yet.').count()).toBe(1);
    await page.keyboard.press('Tab');
    const button = page.getByRole('button', { name: 'Create a passkey' });
    await expect.poll(() => button.evaluate((element) => element.getRootNode() instanceof ShadowRoot && (element.getRootNode() as ShadowRoot).activeElement === element)).toBe(true);
    await page.keyboard.press('Enter');

    const event = await nextEvent(page);
    expect(event).toMatchObject({ type: 'latchkey-complete', target: 'latchkey-append', bubbles: true, composed: true, detail: { passkey: { id: expect.stringMatching(/^cre-/) } } });
    expect(await authenticator.credentialIds()).toContain(toStandardBase64(event.detail.passkey.credentialId));
    expect(await page.locator('latchkey-append').getByRole('status').textContent()).toBe('Passkey created. Next time, sign in with it.');
    const list = page.getByRole('list', { name: 'Your passkeys' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    expect(requested).toEqual(['passkey-list', 'passkey-append', 'passkey-list']);
    expect((await serverPasskeys('olga@example.com')).map((p) => p.id)).toEqual([event.detail.passkey.id]);
    await screenshot(page, 'append-complete');
  });

  it('append reports passkeyExists as latchkey-error when this device already has a passkey for the user', async () => {
    await authenticator.clear();
    await openAccount('pia@example.com');
    const button = page.getByRole('button', { name: 'Create a passkey' });
    await button.click();
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete' });
    await button.click();
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-error', target: 'latchkey-append', detail: { ok: false, reason: 'passkeyExists', cause: 'InvalidStateError' } });
    expect(await page.locator('latchkey-append').getByRole('status').textContent()).toBe('This device already has a passkey for your account.');
    await screenshot(page, 'append-exists');
  });

  it('append is busy while it works (aria-busy, button disabled) and reports a failing tokenProvider', async () => {
    await openAccount('quinn@example.com');
    tokenDelayMs = 500;
    failTokens = true;
    const button = page.getByRole('button', { name: 'Create a passkey' });
    const container = page.locator('latchkey-append [part="container"]');
    await button.click();
    expect(await container.getAttribute('aria-busy')).toBe('true');
    expect(await button.isDisabled()).toBe(true);
    expect(await page.locator('latchkey-append').getByRole('status').textContent()).toBe('Creating your passkey…');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-error', detail: { reason: 'serverError', code: 'token_provider_failed' } });
    expect(await container.getAttribute('aria-busy')).toBe('false');
    expect(await button.isEnabled()).toBe(true);
  });

  it('list passkeys with accessible delete buttons; a delete from the keyboard uses a fresh passkey-delete token', async () => {
    // Two passkeys for one user: one per authenticator (the same one, emptied in between).
    await authenticator.clear();
    await openAccount('rosa@example.com');
    const append = page.getByRole('button', { name: 'Create a passkey' });
    await append.click();
    await nextEvent(page);
    await authenticator.clear();
    await append.click();
    await nextEvent(page, 1);
    const list = page.getByRole('list', { name: 'Your passkeys' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    await screenshot(page, 'passkey-list');

    const deletes = page.getByRole('button', { name: /^Delete passkey created \w{3} \d+, \d{4}, \d+:\d\d/ });
    expect(await deletes.count()).toBe(2);
    const [first, second] = await serverPasskeys('rosa@example.com');
    requested = [];
    // Keyboard only: Tab past the append button and the first passkey's Rename button to its delete button, Enter.
    await page.getByRole('button', { name: 'Create a passkey' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const deleted = await nextEvent(page, 2);
    expect(deleted).toEqual({ type: 'latchkey-complete', target: 'latchkey-passkey-list', bubbles: true, composed: true, detail: { deleted: expect.stringMatching(/^cre-/) } });
    expect(requested).toEqual(['passkey-delete']);
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    const left = (await serverPasskeys('rosa@example.com')).map((p) => p.id);
    expect(left).toHaveLength(1);
    expect([first!.id, second!.id]).toContain(deleted.detail.deleted);
    expect(left).not.toContain(deleted.detail.deleted);
    // Focus stays in the list: on the remaining passkey's delete button.
    expect(await deletes.first().evaluate((element) => (element.getRootNode() as ShadowRoot).activeElement === element)).toBe(true);
    expect(await page.locator('latchkey-passkey-list').getByRole('status').textContent()).toBe('Passkey deleted.');

    // refresh() loads again with a new passkey-list token.
    requested = [];
    const refreshed = await page.evaluate(async () => {
      const { cause: _cause, ...result } = (await document.querySelector('latchkey-passkey-list')!.refresh()) as Record<string, unknown>;
      return result;
    });
    expect(refreshed).toMatchObject({ ok: true, passkeys: [{ id: left[0] }] });
    expect(requested).toEqual(['passkey-list']);
    expect((await events(page)).length).toBe(3);
  });

  it('rename a passkey from the keyboard: inline field, validation message, a passkey-rename token, focus back on Rename', async () => {
    await authenticator.clear();
    await openAccount('tess@example.com');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await nextEvent(page);
    const list = page.getByRole('list', { name: 'Your passkeys' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    // The virtual authenticator names no provider and keeps its passkey to itself.
    expect(await list.locator('[part="name"]').textContent()).toBe('Passkey');
    // Its transport (internal, as the browser reported it at append) is named too.
    expect(await list.locator('[part="meta"]').textContent()).toMatch(/^Created .+ · never used · this device only · works over built-in$/);

    requested = [];
    const rename = page.getByRole('button', { name: /^Rename passkey Passkey, created / });
    await rename.focus();
    await page.keyboard.press('Enter');
    const field = page.getByRole('textbox', { name: 'Passkey name' });
    await expect.poll(() => field.evaluate((element) => (element.getRootNode() as ShadowRoot).activeElement === element)).toBe(true);

    // Blank is refused before any request, with a message the field points to.
    await field.fill('   ');
    await page.keyboard.press('Enter');
    const alert = page.locator('latchkey-passkey-list').getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('Use 1 to 64 characters, without line breaks or control characters.');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.evaluate((element) => (element.getRootNode() as ShadowRoot).getElementById(element.getAttribute('aria-describedby')!)?.textContent)).toContain('1 to 64');
    expect(requested).toEqual([]);

    // Escape leaves the name as it was, focus back on Rename.
    await page.keyboard.press('Escape');
    await expect.poll(() => field.count()).toBe(0);
    expect(await rename.evaluate((element) => (element.getRootNode() as ShadowRoot).activeElement === element)).toBe(true);

    await page.keyboard.press('Enter');
    await field.fill('  Work laptop  ');
    await page.keyboard.press('Enter');
    const renamed = await nextEvent(page, 1);
    expect(renamed).toMatchObject({ type: 'latchkey-complete', target: 'latchkey-passkey-list', detail: { renamed: { name: 'Work laptop' } } });
    expect(requested).toEqual(['passkey-rename']);
    expect((await serverPasskeys('tess@example.com')).map((p: any) => p.name)).toEqual(['Work laptop']);
    await expect.poll(() => list.locator('[part="name"]').textContent()).toBe('Work laptop');
    expect(await page.locator('latchkey-passkey-list').getByRole('status').textContent()).toBe('Passkey renamed.');
    const renameAgain = page.getByRole('button', { name: /^Rename passkey Work laptop, created / });
    await expect.poll(() => renameAgain.evaluate((element) => (element.getRootNode() as ShadowRoot).activeElement === element)).toBe(true);
  });

  it('shows the provider\'s icon (light and dark, from the server\'s answer) and name beside the user\'s label', async () => {
    await openAccount('uma@example.com');
    const svg = (fill: string) => `data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" fill="${fill}"/></svg>`).toString('base64')}`;
    const passkey = {
      id: 'cre-1234567890123456789', credentialId: 'AAAA', aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', authenticatorName: 'Google Password Manager',
      provider: { name: 'Google Password Manager', iconLight: svg('black'), iconDark: svg('white') },
      name: 'My phone', backupEligible: true, backupState: true, backedUp: true, deviceBound: false, transports: ['internal', 'hybrid'], createdAt: 1767225600, lastUsedAt: 1767312000,
    };
    const shown = await page.evaluate(async (passkey) => {
      const list = document.querySelector('latchkey-passkey-list')!;
      while (list.passkeys === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      list.passkeys = [passkey as never];
      await list.updateComplete;
      const item = list.shadowRoot!.querySelector('li')!;
      return {
        name: item.querySelector('[part="name"]')!.textContent,
        meta: item.querySelector('[part="meta"]')!.textContent,
        img: item.querySelector('img')!.getAttribute('src'),
        alt: item.querySelector('img')!.getAttribute('alt'),
        dark: item.querySelector('source')!.getAttribute('srcset'),
        media: item.querySelector('source')!.getAttribute('media'),
      };
    }, passkey);
    expect(shown).toEqual({
      name: 'My phone',
      meta: expect.stringMatching(/^Google Password Manager · Created .+ · last used .+ · synced · works over built-in, phone \(QR code\)$/),
      img: passkey.provider.iconLight,
      alt: '',
      dark: passkey.provider.iconDark,
      media: '(prefers-color-scheme: dark)',
    });
  });

  it('a passkey whose provider has no known icon shows the server\'s generic icon, the dark one on a dark color scheme', async () => {
    await authenticator.clear();
    await openAccount('gene@example.com');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await nextEvent(page);
    const list = page.getByRole('list', { name: 'Your passkeys' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    // The server's answer: every passkey has an icon; this one (the virtual authenticator names no provider) the generic one.
    const [stored] = (await serverPasskeys('gene@example.com')) as unknown as Array<{ icon: { light: string; dark: string; source: string } }>;
    expect(stored!.icon).toEqual({ light: expect.stringMatching(/^data:image\/svg\+xml;base64,/), dark: expect.stringMatching(/^data:image\/svg\+xml;base64,/), source: 'generic' });
    expect(stored!.icon.dark).not.toBe(stored!.icon.light);
    const shown = () => list.locator('[part="icon"]').evaluate((picture) => {
      const img = picture.querySelector('img')!;
      return { source: picture.getAttribute('data-icon-source'), src: img.getAttribute('src'), current: img.currentSrc, loaded: img.complete && img.naturalWidth > 0 };
    });
    await expect.poll(async () => (await shown()).loaded).toBe(true);
    expect(await shown()).toEqual({ source: 'generic', src: stored!.icon.light, current: stored!.icon.light, loaded: true });
    // Chromium picks the <source> for prefers-color-scheme: dark.
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await expect.poll(async () => (await shown()).current).toBe(stored!.icon.dark);
      await screenshot(page, 'list-generic-icon-dark');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('list reports a load failure as latchkey-error with the server\'s code', async () => {
    await openAccount('sam@example.com');
    const token = await latchkey.project.connectToken('passkey-list', 'sam@example.com');
    // An element whose tokenProvider always hands out the same token: the first load spends it.
    const result = await page.evaluate(async ({ token, baseUrl, projectId }) => {
      const list = document.createElement('latchkey-passkey-list');
      list.setAttribute('base-url', baseUrl);
      list.setAttribute('project-id', projectId);
      list.tokenProvider = async () => token;
      document.body.append(list);
      while (list.passkeys === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      const { cause: _cause, ...rest } = (await list.refresh()) as unknown as Record<string, unknown>;
      return rest;
    }, { token, baseUrl: latchkey.url, projectId: latchkey.project.id });
    expect(result).toMatchObject({ ok: false, reason: 'serverError', code: 'connect_token_spent', status: 409 });
    expect((await events(page)).at(-1)).toMatchObject({ type: 'latchkey-error', target: 'latchkey-passkey-list', detail: { code: 'connect_token_spent' } });
    expect(await page.locator('latchkey-passkey-list').last().getByRole('status').textContent()).toBe('Something went wrong. Try again.');
  });
});
