import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addVirtualAuthenticator, startBrowserStack, type BrowserStack, type VirtualAuthenticator } from '@latchkey/test-support';
import type { Page } from 'playwright-core';
import type * as Sdk from '../../src/index.js';

/** A failure or success as it crosses from the page: `cause` becomes the name of the exception. */
export type PlainResult = Record<string, any> & { ok: boolean; reason?: string; causeName?: string };

declare global {
  interface Window {
    sdk: typeof Sdk;
    sdkReady: boolean;
    plain(result: object): PlainResult;
  }
}

const require = createRequire(import.meta.url);
/** The SDK as npm consumers get it (tsc output) and SimpleWebAuthn's own ES modules, unbundled. */
export const SDK_DIRS: Record<string, string> = {
  '/sdk/': join(dirname(fileURLToPath(import.meta.url)), '../../dist/'),
  '/swa/': join(dirname(require.resolve('@simplewebauthn/browser')), '../esm/'),
};

export const SDK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latchkey SDK test</title>
<script type="importmap">{"imports":{"@simplewebauthn/browser":"/swa/index.js"}}</script></head>
<body>
<label for="identifier">Email</label> <input id="identifier" autocomplete="username webauthn">
<script type="module">
  import * as sdk from '/sdk/index.js';
  window.sdk = sdk;
  window.plain = (result) => {
    const { cause, ...rest } = result;
    return cause === undefined ? rest : { ...rest, causeName: cause?.name ?? String(cause) };
  };
  window.sdkReady = true;
</script>
</body></html>`;

export async function openSdkPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.sdkReady === true);
}

export interface ClientConfig {
  baseUrl: string;
  projectId: string;
  timeoutMs?: number;
  initTimeoutMs?: number;
}

/** Run one SDK method in the page and bring back its result, with `fallback`: what fallbackReason() says of a failure. */
export function callSdk(page: Page, config: ClientConfig, method: 'capabilities' | 'login' | 'autofill' | 'appendPasskey' | 'listPasskeys' | 'deletePasskey', ...args: unknown[]): Promise<PlainResult> {
  return page.evaluate(
    async ({ config, method, args }) => {
      const latchkey = window.sdk.createLatchkey(config) as unknown as Record<string, (...a: unknown[]) => Promise<object>>;
      const result = (await latchkey[method]!(...args)) as { ok?: boolean };
      if (result.ok !== false) return window.plain(result);
      return { ...window.plain(result), fallback: window.sdk.fallbackReason(result as Parameters<typeof window.sdk.fallbackReason>[0]) ?? null };
    },
    { config, method, args },
  );
}

/** What an SDK test file drives: the SDK page, open on a virtual authenticator, and what is behind it. */
export interface SdkSetup extends BrowserStack {
  page: Page;
  authenticator: VirtualAuthenticator;
}

export async function startSdkSetup(): Promise<SdkSetup> {
  const stack = await startBrowserStack({ '/': SDK_PAGE }, SDK_DIRS);
  const page = await (await stack.browser.newContext()).newPage();
  const authenticator = await addVirtualAuthenticator(page);
  await openSdkPage(page, stack.site.origin);
  return { ...stack, page, authenticator };
}
