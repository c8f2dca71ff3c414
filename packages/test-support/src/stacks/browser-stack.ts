import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium/launch-chromium.js';
import { startStaticServer, type StaticServer } from '../http/static-server.js';
import { startLatchkey, type TestLatchkey } from '../latchkey/start-latchkey.js';

/** What a browser test file starts from; its pages, contexts and authenticators are its own. */
export interface BrowserStack {
  /** The test pages on localhost (see startStaticServer). */
  site: StaticServer;
  /** A real Latchkey whose first project accepts ceremonies from `site.origin`. */
  latchkey: TestLatchkey;
  /** A Chromium of this file's own. */
  browser: Browser;
  /** The browser SDK's createLatchkey options (and the components' attributes) for that project. */
  config: { baseUrl: string; projectId: string };
  /** Closes the browser first (no request in flight), then the servers. */
  close(): Promise<void>;
}

/**
 * Test pages served on localhost (a secure context, RP ID `localhost`), a real Latchkey for them and
 * Chromium: the set-up of every test file that drives the SDK or the components in a browser.
 */
export async function startBrowserStack(pages: Record<string, string>, dirs: Record<string, string> = {}): Promise<BrowserStack> {
  const site = await startStaticServer(pages, dirs);
  // The two slow starts side by side. Nothing to stop if one fails: the file's fork ends with it.
  const [latchkey, browser] = await Promise.all([startLatchkey({ origins: [site.origin] }), launchChromium()]);
  return {
    site,
    latchkey,
    browser,
    config: { baseUrl: latchkey.url, projectId: latchkey.project.id },
    close: async () => {
      await browser.close();
      await latchkey.close();
      await site.close();
    },
  };
}
