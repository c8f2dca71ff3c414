import { addVirtualAuthenticator, startBrowserStack, type BrowserStack, type ConnectTokenType, type StaticServer, type TestLatchkey, type TestProject, type VirtualAuthenticator } from '@latchkey/test-support';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { componentPage, DIST_DIR, events, hideFromAutofill, nextEvent, openComponentPage, screenshot } from './helpers/pages.js';

/**
 * The components obey the adoption engine's decisions, in Chromium, against a real Latchkey whose
 * policy each test sets through the Backend API: kill switches, the append offer with its back-off
 * (the server's clock moved, not waited for), one-tap, conditional create, and the client events.
 */
const pages: Record<string, string> = {};
let stack: BrowserStack;
let site: StaticServer, latchkey: TestLatchkey;
let context: BrowserContext;
let page: Page;
let authenticator: VirtualAuthenticator;
/** The project and user the page's "backend" issues connect tokens for. */
let project: TestProject;
let user = '';
/** POST bodies the page sent to the Frontend API, by path. */
let sent: { path: string; body: any }[] = [];
const bodiesOf = (path: string): any[] => sent.filter((s) => s.path === `/v2/connect${path}`).map((s) => s.body);
const sentEvents = (): any[] => bodiesOf('/events').flatMap((b) => b.events);

const attributes = (p: TestProject): string => `base-url="${latchkey.url}" project-id="${p.id}"`;

beforeAll(async () => {
  stack = await startBrowserStack(pages, { '/': DIST_DIR });
  ({ site, latchkey } = stack);
  context = await stack.browser.newContext({ viewport: { width: 640, height: 420 } });
  await context.exposeFunction('issueToken', (type: ConnectTokenType) => project.connectToken(type, user));
  // Counts the browser's WebAuthn requests and keeps the create() mediation, calling through.
  await context.addInitScript(() => {
    const w = window as unknown as { webauthnCalls: { kind: string; mediation?: string }[] };
    w.webauthnCalls = [];
    const get = navigator.credentials.get.bind(navigator.credentials);
    const create = navigator.credentials.create.bind(navigator.credentials);
    navigator.credentials.get = (options) => (w.webauthnCalls.push({ kind: 'get', ...(options?.mediation ? { mediation: options.mediation } : {}) }), get(options));
    navigator.credentials.create = (options) => {
      const mediation = (options as { mediation?: string } | undefined)?.mediation;
      w.webauthnCalls.push({ kind: 'create', ...(mediation ? { mediation } : {}) });
      return create(options);
    };
    document.addEventListener('latchkey-offer', (e) => ((window as unknown as { lastOffer: unknown }).lastOffer = (e as CustomEvent).detail));
  });
  page = await context.newPage();
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (request.method() === 'POST' && url.pathname.startsWith('/v2/connect/')) sent.push({ path: url.pathname, body: JSON.parse(request.postData() ?? 'null') });
  });
  authenticator = await addVirtualAuthenticator(page);
});

afterAll(() => stack?.close());

beforeEach(async () => {
  sent = [];
  latchkey.clock.reset();
  await authenticator.clear();
  project = await latchkey.addProject({ origins: [site.origin] });
  user = `user-${Math.random().toString(36).slice(2)}@example.com`;
  pages['/login'] = componentPage('Sign in', `<latchkey-login ${attributes(project)}></latchkey-login>`);
  pages['/offer'] = componentPage(
    'Welcome back',
    `<latchkey-append offer ${attributes(project)}></latchkey-append>
    <script type="module">document.querySelector('latchkey-append').tokenProvider = (type) => window.issueToken(type);</script>`,
  );
  pages['/append'] = componentPage(
    'Your passkeys',
    `<latchkey-append ${attributes(project)}></latchkey-append>
    <script type="module">document.querySelector('latchkey-append').tokenProvider = (type) => window.issueToken(type);</script>`,
  );
});

async function setPolicy(patch: Record<string, unknown>): Promise<void> {
  const answer = await project.backend('PATCH', '/policy', patch);
  expect(answer.status).toBe(200);
}

const webauthnCalls = (): Promise<{ kind: string; mediation?: string }[]> => page.evaluate(() => (window as unknown as { webauthnCalls: { kind: string; mediation?: string }[] }).webauthnCalls);

/** A passkey for `user` on the virtual authenticator, made through the SDK (hidden from autofill). */
async function passkeyForUser(): Promise<void> {
  await openComponentPage(page, `${site.origin}/append`, 'latchkey-append');
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete' });
  await hideFromAutofill(authenticator);
}

/** Open the offer page (a visit after a password login) and bring back its latchkey-offer detail. */
async function offerEvent(): Promise<Record<string, any>> {
  await openComponentPage(page, `${site.origin}/offer`, 'latchkey-append');
  return (await (await page.waitForFunction(() => (window as unknown as { lastOffer?: object }).lastOffer)).jsonValue()) as Record<string, any>;
}

describe('<latchkey-login> obeys the login decision', () => {
  it('shows no field, button or prompt under the login kill switch, and falls back with notAllowed and the tag', async () => {
    await setPolicy({ login: { enabled: false } });
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'notAllowed', decisionTags: ['login-kill-switch'], identifier: '' } });
    expect(await page.getByRole('status').textContent()).toBe('Passkey sign-in is not available here. Sign in another way.');
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('textbox').count()).toBe(0);
    expect(await webauthnCalls()).toEqual([]);
    // The fallback is reported for the funnel, and login/init ran once (autofill never started).
    await expect.poll(sentEvents).toEqual([expect.objectContaining({ type: 'fallback', reason: 'notAllowed', osFamily: 'linux', browserFamily: 'chrome' })]);
    expect(bodiesOf('/login/init')).toHaveLength(1);
    await screenshot(page, 'adoption-login-kill-switch');

    await setPolicy({ login: { enabled: true } });
    sent = [];
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await page.waitForFunction(() => (window as unknown as { webauthnCalls: unknown[] }).webauthnCalls.length === 1);
    expect(await webauthnCalls()).toEqual([{ kind: 'get', mediation: 'conditional' }]);
    // One login/init: the decision's process is the one autofill uses.
    expect(bodiesOf('/login/init')).toHaveLength(1);
  });

  it('falls back with rollout-excluded when the rollout leaves passkey login at 0 %', async () => {
    await passkeyForUser();
    await setPolicy({ login: { rolloutPercent: 0 } });
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByLabel('Email or username').fill(user);
    await page.getByLabel('Email or username').press('Enter');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'noPasskey', decisionTags: ['rollout-excluded'], identifier: user } });
    expect((await webauthnCalls()).filter((c) => c.kind === 'get' && !c.mediation)).toEqual([]);
  });
});

describe('one-tap', () => {
  it('offers "Continue as …" after a passkey login when the project allows it; "Not you?" forgets', async () => {
    await setPolicy({ oneTap: true });
    await passkeyForUser();
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    expect(await page.getByRole('button', { name: /^Continue as/ }).count()).toBe(0);
    await page.getByLabel('Email or username').fill(user);
    await page.getByLabel('Email or username').press('Enter');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete', detail: { identifier: user } });

    sent = [];
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    const continueAs = page.getByRole('button', { name: `Continue as ${user}` });
    await continueAs.waitFor();
    await screenshot(page, 'adoption-one-tap');
    await continueAs.click();
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete', detail: { identifier: user } });
    expect(bodiesOf('/login/start')).toEqual([expect.objectContaining({ identifier: user, method: 'one-tap' })]);

    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByRole('button', { name: 'Not you?' }).click();
    expect(await page.getByRole('button', { name: /^Continue as/ }).count()).toBe(0);
    expect(await page.evaluate((id) => localStorage.getItem(`latchkey:last-account:${id}`), project.id)).toBeNull();
    expect(await page.evaluate(() => document.querySelector('latchkey-login')!.shadowRoot!.activeElement?.id)).toBe('identifier');
  });

  it('remembers nothing when the project has one-tap off, and forgets what it kept once it is turned off', async () => {
    await passkeyForUser();
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByLabel('Email or username').fill(user);
    await page.getByLabel('Email or username').press('Enter');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete' });
    expect(await page.evaluate((id) => localStorage.getItem(`latchkey:last-account:${id}`), project.id)).toBeNull();

    await page.evaluate(({ id, user }) => localStorage.setItem(`latchkey:last-account:${id}`, JSON.stringify({ identifier: user })), { id: project.id, user });
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await page.waitForFunction((id) => localStorage.getItem(`latchkey:last-account:${id}`) === null, project.id);
    expect(await page.getByRole('button', { name: /^Continue as/ }).count()).toBe(0);
  });
});

describe('<latchkey-append offer>', () => {
  it('offers a passkey, backs off after "Not now" (1 day, then 7), and offers again when the back-off is over', async () => {
    expect(await offerEvent()).toEqual({ offer: true, decisionTags: [], conditionalCreate: false, nextOfferAt: null });
    await page.getByRole('button', { name: 'Add a passkey' }).waitFor();
    await page.getByRole('button', { name: 'Not now' }).waitFor();
    // The previous test's login page reports its passkey autofill as cancelled when this test leaves
    // it for the offer page: that report is the login page's, not this one's.
    const fromThisPage = () => sentEvents().filter((e) => !(e.type === 'cancelled' && e.reason === 'autofill'));
    await expect.poll(fromThisPage).toEqual([expect.objectContaining({ type: 'offer-shown', processId: expect.any(String), osFamily: 'linux' })]);

    const now = Math.floor(latchkey.clock.nowMs() / 1000);
    await page.getByRole('button', { name: 'Not now' }).click();
    await page.getByRole('button', { name: 'Add a passkey' }).waitFor({ state: 'detached' });
    const [dismissal] = bodiesOf('/append/dismiss');
    expect(dismissal).toEqual({ processId: expect.any(String) });

    // The next visit, on this device: no offer, and why.
    const declined = await offerEvent();
    expect(declined).toMatchObject({ offer: false, decisionTags: ['declined-recently'] });
    expect(declined.nextOfferAt).toBeGreaterThanOrEqual(now + 86_400);
    expect(declined.nextOfferAt).toBeLessThanOrEqual(now + 86_400 + 5);
    expect(await page.getByRole('button', { name: 'Add a passkey' }).count()).toBe(0);
    await screenshot(page, 'adoption-offer-declined');

    latchkey.clock.advance(86_400 + 1);
    expect(await offerEvent()).toMatchObject({ offer: true, decisionTags: [] });
    await page.getByRole('button', { name: 'Not now' }).click();
    const second = await offerEvent();
    expect(second).toMatchObject({ offer: false, decisionTags: ['declined-recently'] });
    expect(second.nextOfferAt).toBeGreaterThanOrEqual(now + 86_400 + 7 * 86_400);
  });

  it('adds the passkey on "Add a passkey" through the offer\'s own process, then never offers again on this device', async () => {
    expect(await offerEvent()).toMatchObject({ offer: true });
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete', detail: { passkey: { id: expect.stringMatching(/^cre-/) } } });
    expect(await page.getByRole('status').textContent()).toBe('Passkey created. Next time, sign in with it.');
    expect(bodiesOf('/append/init')).toHaveLength(1);
    expect(await authenticator.credentialIds()).toHaveLength(1);
    expect(await offerEvent()).toMatchObject({ offer: false, decisionTags: ['passkey-on-device'] });
  });

  it('shows nothing under the append kill switch; a plain <latchkey-append> then hides its button after the refusal', async () => {
    await setPolicy({ append: { enabled: false } });
    expect(await offerEvent()).toMatchObject({ offer: false, decisionTags: ['append-kill-switch'] });
    expect(await page.getByRole('button').count()).toBe(0);

    await openComponentPage(page, `${site.origin}/append`, 'latchkey-append');
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-error', detail: { reason: 'notAllowed', decisionTags: ['append-kill-switch'] } });
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('status').textContent()).toBe('Passkeys are not available for your account right now.');
    expect(await webauthnCalls()).toEqual([]);
    expect(bodiesOf('/append/start')).toEqual([]);
  });
});

describe('conditional create (automatic upgrade)', () => {
  it('starts a conditional create() right after the offer when the project allows it, and the user can still add one by hand', async () => {
    await setPolicy({ conditionalCreate: true });
    expect(await offerEvent()).toMatchObject({ offer: true, conditionalCreate: true, decisionTags: ['conditional-create'] });
    await page.waitForFunction(() => (window as unknown as { webauthnCalls: unknown[] }).webauthnCalls.length === 1);
    expect(await webauthnCalls()).toEqual([{ kind: 'create', mediation: 'conditional' }]);
    expect(bodiesOf('/append/start')).toEqual([{ processId: expect.any(String), conditional: true }]);
    // Chromium's virtual authenticator never completes a conditional create (it waits for a password
    // manager's recent sign-in, which headless Chromium has not): the request stays pending, silent.
    // "Add a passkey" ends it and appends afresh with a dialog.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete', detail: { passkey: { id: expect.stringMatching(/^cre-/) } } });
    expect(await webauthnCalls()).toEqual([{ kind: 'create', mediation: 'conditional' }, { kind: 'create' }]);
    expect(bodiesOf('/append/init')).toHaveLength(2);
    await expect.poll(sentEvents).toContainEqual(expect.objectContaining({ type: 'conditional-create', result: 'failed', reason: 'aborted' }));
  });

  it('falls back to the plain offer where the browser cannot create conditionally (no getClientCapabilities)', async () => {
    const older = await stack.browser.newContext();
    await older.exposeFunction('issueToken', (type: ConnectTokenType) => project.connectToken(type, user));
    await older.addInitScript(() => {
      delete (PublicKeyCredential as unknown as { getClientCapabilities?: unknown }).getClientCapabilities;
      document.addEventListener('latchkey-offer', (e) => ((window as unknown as { lastOffer: unknown }).lastOffer = (e as CustomEvent).detail));
    });
    const olderPage = await older.newPage();
    await addVirtualAuthenticator(olderPage);
    await setPolicy({ conditionalCreate: true });
    await olderPage.goto(`${site.origin}/offer`);
    const offer = await olderPage.waitForFunction(() => (window as unknown as { lastOffer?: unknown }).lastOffer);
    expect(await offer.jsonValue()).toMatchObject({ offer: true, conditionalCreate: false });
    await olderPage.getByRole('button', { name: 'Add a passkey' }).waitFor();
    await older.close();
  });
});

describe('client events in the funnel report', () => {
  it('what the pages report (fallbacks, offers, cancellations, one-tap) arrives in GET /v2/analytics/funnel beside what the server saw', async () => {
    await setPolicy({ login: { enabled: false } });
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'notAllowed' } });
    await setPolicy({ login: { enabled: true }, oneTap: true });

    expect(await offerEvent()).toMatchObject({ offer: true });
    await page.getByRole('button', { name: 'Not now' }).click();
    await page.getByRole('button', { name: 'Add a passkey' }).waitFor({ state: 'detached' });
    latchkey.clock.advance(86_400 + 1);
    expect(await offerEvent()).toMatchObject({ offer: true });
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete' });
    await hideFromAutofill(authenticator);

    // A cancelled passkey prompt, then a passkey login, then one-tap.
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await authenticator.setUserVerified(false);
    await page.getByLabel('Email or username').fill(user);
    await page.getByLabel('Email or username').press('Enter');
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-fallback', detail: { reason: 'cancelled' } });
    // The cancelled prompt, as the SDK reports it: in a batch, shortly after (waited for here, while
    // the page stays; a batch sent as a page unloads reaches Latchkey, but not always this record).
    await expect.poll(sentEvents).toContainEqual(expect.objectContaining({ type: 'cancelled', reason: 'login' }));
    await authenticator.setUserVerified(true);
    await page.getByLabel('Email or username').press('Enter');
    expect(await nextEvent(page, 1)).toMatchObject({ type: 'latchkey-complete' });
    await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
    await page.getByRole('button', { name: `Continue as ${user}` }).click();
    expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete' });

    const report = async () => (await project.backend('GET', '/analytics/funnel?groupBy=platform')).body;
    await expect.poll(async () => (await report()).rows).toEqual([
      expect.objectContaining({
        osFamily: 'linux',
        offers: 2,
        appendsStarted: 1,
        appendsCompleted: 1,
        appendsDeclined: 1,
        logins: { passkeyIdentifier: 1, passkeyConditionalUI: 0, passkeyOneTap: 1, password: 0 },
        fallbackReasons: { notAllowed: 1, cancelled: 1 },
      }),
    ]);
    expect((await report()).usersWithPasskey).toBe(1);
  });
});

describe('after a cross-device login', () => {
  it('offers a passkey on this device (cross-device-login) to a user whose passkey lives on another device', async () => {
    // The passkey is made on "the phone": another browser profile, so another device id.
    const phoneContext = await stack.browser.newContext();
    await phoneContext.exposeFunction('issueToken', (type: ConnectTokenType) => project.connectToken(type, user));
    // It answers as a roaming authenticator (authenticatorAttachment 'cross-platform', as a phone
    // over hybrid or a security key does), here and, below, on this computer.
    const roamingOptions = { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } as const;
    const phone = await phoneContext.newPage();
    const phoneCdp = await phoneContext.newCDPSession(phone);
    await phoneCdp.send('WebAuthn.enable');
    const { authenticatorId: phoneAuthenticator } = await phoneCdp.send('WebAuthn.addVirtualAuthenticator', { options: roamingOptions });
    await phone.goto(`${site.origin}/append`);
    await phone.getByRole('button', { name: 'Create a passkey' }).click();
    await phone.getByText('Passkey created.').waitFor();
    const [credential] = (await phoneCdp.send('WebAuthn.getCredentials', { authenticatorId: phoneAuthenticator })).credentials;
    await phoneContext.close();

    const { authenticatorId: roaming } = await authenticator.cdp.send('WebAuthn.addVirtualAuthenticator', { options: roamingOptions });
    try {
      const { userHandle: _userHandle, ...nonDiscoverable } = credential!;
      await authenticator.cdp.send('WebAuthn.addCredential', { authenticatorId: roaming, credential: { ...nonDiscoverable, isResidentCredential: false } });
      await openComponentPage(page, `${site.origin}/login`, 'latchkey-login');
      await page.getByLabel('Email or username').fill(user);
      await page.getByLabel('Email or username').press('Enter');
      expect(await nextEvent(page)).toMatchObject({ type: 'latchkey-complete', detail: { identifier: user } });
    } finally {
      await authenticator.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: roaming });
    }

    // After the password-less but cross-device login, this computer is offered a passkey of its own.
    expect(await offerEvent()).toMatchObject({ offer: true, decisionTags: ['cross-device-login'] });
    await page.getByRole('button', { name: 'Add a passkey' }).waitFor();
  });
});
