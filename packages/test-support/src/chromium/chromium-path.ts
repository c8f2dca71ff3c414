import { accessSync, constants } from 'node:fs';

/**
 * Debian's Chromium, never a downloaded one (playwright-core brings no browser). LATCHKEY_TEST_CHROMIUM
 * points elsewhere on machines that keep it in another place.
 */
export const CHROMIUM_PATH = process.env.LATCHKEY_TEST_CHROMIUM || '/usr/bin/chromium';

/**
 * Headless and quiet: no sandbox (containers and CI run as root), no GPU, and nothing that talks to
 * the network on its own, so a test's requests are the only ones the servers see.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why Chromium cannot run here (it is not at CHROMIUM_PATH, or not executable), or undefined when it
 * can. A file check only: starting a browser to find out would cost every run a second.
 */
export function chromiumMissing(path: string = CHROMIUM_PATH): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be run (${code ?? String(error)})`;
  }
}
