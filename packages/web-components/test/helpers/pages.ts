import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VirtualAuthenticator } from '@latchkey/test-support';
import type { Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/, where `npm run build` put latchkey-elements.js. */
export const DIST_DIR = join(here, '../../dist/');
export const SCREENSHOTS_DIR = join(here, '../../test-results/screenshots');

export interface RecordedEvent {
  type: 'latchkey-complete' | 'latchkey-fallback' | 'latchkey-error';
  target: string;
  bubbles: boolean;
  composed: boolean;
  detail: Record<string, any>;
}

declare global {
  interface Window {
    events: RecordedEvent[];
    /** The bundle's module namespace (the same instance the page's <script> loaded). */
    latchkeyBundle: typeof import('../../src/bundle.js');
  }
}

/**
 * A page as an app would write it: the standalone bundle from a <script type="module">, no build
 * step. Every Latchkey event that reaches `document` is recorded in `window.events` (a Failure's
 * `cause` as the exception's name).
 */
export function componentPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 34rem; } h1 { font-size: 1.25rem; }</style>
<script type="module" src="/latchkey-elements.js"></script>
<script type="module">import * as bundle from '/latchkey-elements.js'; window.latchkeyBundle = bundle;</script></head>
<body>
<h1>${title}</h1>
${body}
<script>
  window.events = [];
  for (const type of ['latchkey-complete', 'latchkey-fallback', 'latchkey-error']) {
    document.addEventListener(type, (event) => window.events.push({
      type, target: event.target.localName, bubbles: event.bubbles, composed: event.composed,
      detail: JSON.parse(JSON.stringify(event.detail, (key, value) => (key === 'cause' ? value && value.name : value))),
    }));
  }
</script>
</body></html>`;
}

export async function openComponentPage(page: Page, url: string, element: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction((name) => customElements.get(name) !== undefined && window.latchkeyBundle !== undefined, element);
}

export function events(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => window.events);
}

/** Wait for the next recorded event after the first `seen` ones. */
export async function nextEvent(page: Page, seen = 0): Promise<RecordedEvent> {
  await page.waitForFunction((count) => window.events.length > count, seen, { timeout: 10_000 });
  return (await events(page))[seen]!;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

/**
 * Turn the authenticator's passkeys into non-discoverable copies (same key, same id). Chromium's
 * virtual authenticator answers a Conditional UI request at once with any discoverable passkey,
 * so a page with one would log in through autofill before a test could type; a non-discoverable
 * copy still answers identifier-first login (the server lists it in allowCredentials).
 */
export async function hideFromAutofill(authenticator: VirtualAuthenticator): Promise<void> {
  const { credentials } = await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.id });
  await authenticator.clear();
  for (const credential of credentials) {
    const { userHandle: _userHandle, ...rest } = credential;
    await authenticator.cdp.send('WebAuthn.addCredential', { authenticatorId: authenticator.id, credential: { ...rest, isResidentCredential: false } });
  }
}

/** Append a passkey through the bundle's own createLatchkey (as a page calling the SDK would). */
export async function appendThroughSdk(page: Page, config: { baseUrl: string; projectId: string }, connectToken: string): Promise<Record<string, any>> {
  return page.evaluate(
    async ({ config, connectToken }) => {
      const { cause: _cause, ...result } = (await window.latchkeyBundle.createLatchkey(config).appendPasskey(connectToken)) as Record<string, unknown>;
      return result;
    },
    { config, connectToken },
  );
}
