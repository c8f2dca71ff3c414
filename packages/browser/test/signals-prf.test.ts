import { addVirtualAuthenticator, startRecordingProxy, type RecordingProxy, type TestLatchkey } from '@latchkey/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSdk, openSdkPage, startSdkSetup, type ClientConfig, type SdkSetup } from './helpers/sdk-page.js';

/**
 * The WebAuthn Signal API (signalAllAcceptedCredentials, signalCurrentUserDetails) and the PRF
 * extension, end to end: the SDK in Chromium with its virtual authenticator, a real Latchkey.
 */
let setup: SdkSetup;
let latchkey: TestLatchkey, browser: Browser, config: ClientConfig;

beforeAll(async () => {
  setup = await startSdkSetup();
  ({ latchkey, browser, config } = setup);
});
afterAll(() => setup?.close());

interface SignalCall {
  method: string;
  args: Record<string, unknown>;
}

/**
 * A page whose PublicKeyCredential.signal* methods are spies: each call's argument is kept in
 * `window.signalCalls`. `mode` says what the spy then does: call the browser's own method,
 * reject, or (`absent`) the methods are removed, as in a browser without the Signal API.
 */
async function signalPage(mode: 'spy' | 'reject' | 'absent'): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext();
  await context.addInitScript((mode: string) => {
    const w = window as unknown as { signalCalls: unknown[]; problems: string[] };
    w.signalCalls = [];
    w.problems = [];
    window.addEventListener('unhandledrejection', (event) => w.problems.push(`unhandledrejection: ${String(event.reason)}`));
    const api = PublicKeyCredential as unknown as Record<string, unknown>;
    for (const method of ['signalAllAcceptedCredentials', 'signalCurrentUserDetails', 'signalUnknownCredential']) {
      const own = api[method] as ((options: unknown) => Promise<void>) | undefined;
      if (mode === 'absent') {
        delete api[method];
        continue;
      }
      api[method] = (options: unknown) => {
        w.signalCalls.push({ method, args: JSON.parse(JSON.stringify(options)) });
        if (mode === 'reject') return Promise.reject(new DOMException('refused by the test', 'NotAllowedError'));
        return typeof own === 'function' ? own.call(PublicKeyCredential, options) : Promise.resolve();
      };
    }
  }, mode);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await addVirtualAuthenticator(page);
  await openSdkPage(page, setup.site.origin);
  return { context, page, problems };
}

const signalCalls = (page: Page): Promise<SignalCall[]> => page.evaluate(() => (window as unknown as { signalCalls: SignalCall[] }).signalCalls.splice(0));
const pageProblems = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { problems: string[] }).problems);
const handleOf = (webauthnId: string) => Buffer.from(webauthnId, 'utf8').toString('base64url');
const userOf = async (identifier: string) => (await latchkey.project.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users[0];

describe('Signal API', () => {
  it('after list and delete: signalAllAcceptedCredentials with exactly the passkeys Latchkey still accepts; names with every answer', async () => {
    const { context, page, problems } = await signalPage('spy');
    const appended = await callSdk(page, config, 'appendPasskey', await latchkey.project.connectToken('passkey-append', 'sig@example.com'));
    expect(appended.ok).toBe(true);
    const user = await userOf('sig@example.com');
    const details = { rpId: 'localhost', userId: handleOf(user.webauthnId), name: 'sig@example.com', displayName: 'sig@example.com' };
    expect(await signalCalls(page)).toEqual([{ method: 'signalCurrentUserDetails', args: details }]);

    const listed = await callSdk(page, config, 'listPasskeys', await latchkey.project.connectToken('passkey-list', 'sig@example.com'));
    expect(listed.ok).toBe(true);
    expect(await signalCalls(page)).toEqual([
      { method: 'signalAllAcceptedCredentials', args: { rpId: 'localhost', userId: details.userId, allAcceptedCredentialIds: [appended.passkey.credentialId] } },
      { method: 'signalCurrentUserDetails', args: details },
    ]);

    const deleted = await callSdk(page, config, 'deletePasskey', await latchkey.project.connectToken('passkey-delete', 'sig@example.com'), appended.passkey.id);
    expect(deleted).toEqual({ ok: true });
    expect(await signalCalls(page)).toEqual([
      { method: 'signalAllAcceptedCredentials', args: { rpId: 'localhost', userId: details.userId, allAcceptedCredentialIds: [] } },
      { method: 'signalCurrentUserDetails', args: details },
    ]);
    expect([...problems, ...(await pageProblems(page))]).toEqual([]);
    await context.close();
  });

  it('after the app renames the user (PATCH /v2/users/{id}), the next login signals the new names', async () => {
    const { context, page, problems } = await signalPage('spy');
    expect((await callSdk(page, config, 'appendPasskey', await latchkey.project.connectToken('passkey-append', 'before@example.com'))).ok).toBe(true);
    const user = await userOf('before@example.com');
    const patched = await latchkey.project.backend('PATCH', `/users/${user.userID}`, { identifier: 'after@example.com', displayName: 'After Rename' });
    expect(patched.status).toBe(200);
    await signalCalls(page);

    const result = await callSdk(page, config, 'login', { identifier: 'after@example.com' });
    expect(result).toMatchObject({ ok: true, identifier: 'after@example.com' });
    expect(await signalCalls(page)).toEqual([
      { method: 'signalCurrentUserDetails', args: { rpId: 'localhost', userId: handleOf(user.webauthnId), name: 'after@example.com', displayName: 'After Rename' } },
    ]);
    expect([...problems, ...(await pageProblems(page))]).toEqual([]);
    await context.close();
  });

  for (const mode of ['absent', 'reject'] as const) {
    it(`where the browser ${mode === 'absent' ? 'has no Signal API' : 'rejects every signal'}: every call still succeeds, with no error and no unhandled rejection`, async () => {
      const { context, page, problems } = await signalPage(mode);
      const identifier = `${mode}@example.com`;
      const appended = await callSdk(page, config, 'appendPasskey', await latchkey.project.connectToken('passkey-append', identifier));
      expect(appended.ok).toBe(true);
      expect((await callSdk(page, config, 'listPasskeys', await latchkey.project.connectToken('passkey-list', identifier))).ok).toBe(true);
      expect((await callSdk(page, config, 'login', { identifier })).ok).toBe(true);
      expect(await callSdk(page, config, 'deletePasskey', await latchkey.project.connectToken('passkey-delete', identifier), appended.passkey.id)).toEqual({ ok: true });
      const calls = await signalCalls(page);
      expect(calls.length).toBe(mode === 'absent' ? 0 : 6);
      // Rejections settle after the calls returned: give them a turn before looking.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
      expect([...problems, ...(await pageProblems(page))]).toEqual([]);
      await context.close();
    });
  }
});

describe('PRF', () => {
  let proxy: RecordingProxy;
  let context: BrowserContext;
  let page: Page;
  let viaProxy: ClientConfig;

  beforeAll(async () => {
    // Every request the SDK sends goes through this proxy, which keeps the bodies Latchkey receives.
    proxy = await startRecordingProxy(latchkey.url);
    viaProxy = { ...config, baseUrl: proxy.url };
    context = await browser.newContext();
    page = await context.newPage();
    await addVirtualAuthenticator(page, { ctap2Version: 'ctap2_1', hasPrf: true });
    await openSdkPage(page, setup.site.origin);
  });
  afterAll(async () => {
    await context?.close();
    await proxy?.close();
  });

  /** Runs in the page: append with PRF enabled, then two logins evaluating one salt; the outputs as hex. */
  async function prfLogins(identifier: string): Promise<{ enabled: unknown; outputs: Array<{ ok: boolean; hex: string; bytes: number }> }> {
    const appendToken = await latchkey.project.connectToken('passkey-append', identifier);
    return page.evaluate(
      async ({ config, appendToken, identifier }) => {
        const latchkey = window.sdk.createLatchkey(config);
        const appended = await latchkey.appendPasskey(appendToken, { prf: true });
        if (!appended.ok) throw new Error(`append: ${appended.reason} ${appended.message}`);
        const salt = new TextEncoder().encode('latchkey prf test salt, 32 bytes');
        const outputs = [];
        for (let i = 0; i < 2; i++) {
          const result = await latchkey.login({ identifier, prf: { eval: { first: salt } } });
          const first = result.ok ? result.prf?.results?.first : undefined;
          outputs.push({
            ok: result.ok,
            bytes: first instanceof ArrayBuffer ? first.byteLength : -1,
            hex: first instanceof ArrayBuffer ? [...new Uint8Array(first)].map((b) => b.toString(16).padStart(2, '0')).join('') : '',
          });
        }
        return { enabled: appended.prf?.enabled, outputs };
      },
      { config: viaProxy, appendToken, identifier },
    );
  }

  it('the page gets the 32-byte PRF output; Latchkey never receives it, nor any PRF results', async () => {
    const { enabled, outputs } = await prfLogins('prf@example.com');
    expect(enabled).toBe(true);
    expect(outputs.map((o) => [o.ok, o.bytes])).toEqual([[true, 32], [true, 32]]);
    // The same passkey and salt give the same secret: it is the PRF, not noise.
    expect(outputs[0]!.hex).toBe(outputs[1]!.hex);
    expect(outputs[0]!.hex).not.toMatch(/^0+$/);

    const secret = Buffer.from(outputs[0]!.hex, 'hex');
    const forms = [outputs[0]!.hex, outputs[0]!.hex.toUpperCase(), secret.toString('base64'), secret.toString('base64url'), secret.toString('base64').replace(/=+$/, ''), [...secret].join(',')];
    const finishes = proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/login/finish'));
    expect(finishes).toHaveLength(2);
    for (const request of proxy.requests) {
      for (const form of forms) expect(request.body.includes(form), `${request.url} carries the PRF output`).toBe(false);
      expect(hasKey(request.body === '' ? {} : JSON.parse(request.body), 'results'), `${request.url} carries a "results" key`).toBe(false);
    }
    // The PRF did run through those very requests: the extension's entry is there, emptied.
    for (const finish of finishes) expect(JSON.parse(finish.body).assertionResponse.clientExtensionResults).toEqual({ prf: {} });
    const appendFinish = proxy.requests.find((r) => r.method === 'POST' && r.url.endsWith('/append/finish'))!;
    expect(JSON.parse(appendFinish.body).attestationResponse.clientExtensionResults.prf).toEqual({ enabled: true });
  });
});

function hasKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((item) => hasKey(item, key));
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([k, v]) => k === key || hasKey(v, key));
}
