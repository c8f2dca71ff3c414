import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addVirtualAuthenticator, type VirtualAuthenticator } from '@latchkey/test-support';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

/** The suite's one Chromium (started by browser-server.ts); close() only disconnects this file. */
export async function connectBrowser(): Promise<Browser> {
  return chromium.connect(inject('browserWsEndpoint'));
}

/**
 * One person's device: a browser context (its own cookies) with a page and Chromium's virtual
 * WebAuthn authenticator (a platform authenticator with user verification, like Touch ID).
 */
export interface Device extends VirtualAuthenticator {
  context: BrowserContext;
  page: Page;
  /** The app's session cookie, if the browser has one. */
  sessionCookie(): Promise<string | undefined>;
  /** WebAuthn get() calls the pages made since the last reset, by mediation ('conditional' for autofill). */
  webauthnGets(): string[];
  resetWebauthnGets(): void;
}

// Observes (does not change) navigator.credentials.get, so a test can wait until autofill is
// pending. The record lives in the test, so it survives the navigations of a login.
const RECORD_GETS = () => {
  const record = (window as unknown as { __recordWebauthnGet: (mediation: string) => void }).__recordWebauthnGet;
  const original = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (options?: CredentialRequestOptions) => {
    record(options?.mediation ?? 'optional');
    return original(options);
  };
};

export async function newDevice(browser: Browser): Promise<Device> {
  const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
  let gets: string[] = [];
  await context.exposeFunction('__recordWebauthnGet', (mediation: string) => void gets.push(mediation));
  await context.addInitScript(RECORD_GETS);
  const page = await context.newPage();
  // Fail a step in seconds, well inside the test's own timeout, so the report names the step.
  page.setDefaultTimeout(10_000);
  return {
    ...(await addVirtualAuthenticator(page)),
    context,
    page,
    sessionCookie: async () => (await context.cookies()).find((c) => c.name === 'demo_session')?.value,
    webauthnGets: () => [...gets],
    resetWebauthnGets: () => {
      gets = [];
    },
  };
}

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** A full-page screenshot of a step, named NN-step-name.png, so a reader can follow the journey. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}
