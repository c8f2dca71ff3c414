import { CHROMIUM_PATH, chromiumMissing } from '../chromium/chromium-path.js';

/** What a package's vitest run does about its Chromium tests on this machine. */
export type ChromiumGate =
  | { run: true }
  /** Chromium is missing on a developer's machine: leave these tests out and say so after the summary. */
  | { run: false; notice: string };

/**
 * The README's promise: `npm test` on a machine without Chromium says plainly that the browser tests
 * were skipped and why; CI (CI set) installs Chromium and skips nothing, so there a missing Chromium
 * is an error, thrown while vitest loads its config, before any test runs.
 */
export function chromiumGate(
  tests: readonly string[],
  othersRemain: boolean,
  { path = CHROMIUM_PATH, env = process.env }: { path?: string; env?: NodeJS.ProcessEnv } = {},
): ChromiumGate {
  const reason = chromiumMissing(path);
  if (reason === undefined) return { run: true };
  if (env.CI) {
    throw new Error(`CI must run the browser tests (${tests.join(', ')}), but there is no Chromium to run them: ${reason}. Install Debian's chromium or set LATCHKEY_TEST_CHROMIUM.`);
  }
  return {
    run: false,
    notice:
      `\n  Browser tests SKIPPED (${tests.join(', ')}): no Chromium to run them (${reason}).\n` +
      `  Install Debian's chromium (apt-get install chromium) or set LATCHKEY_TEST_CHROMIUM to where Chromium is` +
      `${othersRemain ? '; the other tests ran as usual' : ''}. CI never skips them.\n`,
  };
}
