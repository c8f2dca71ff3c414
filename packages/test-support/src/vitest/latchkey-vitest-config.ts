import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig, type TestUserConfig, type ViteUserConfig } from 'vitest/config';
import { chromiumGate } from './chromium-gate.js';

export interface LatchkeyVitestOptions extends TestUserConfig {
  /**
   * The tests that need Chromium: `true` for every test of the package, or their globs and the
   * globalSetup files that start a browser for them. Without Chromium on a developer's machine they
   * are left out (with a notice after the summary) and the rest runs; on CI that is an error.
   * (Not `browser`: vitest's own browser mode has that name.)
   */
  chromium?: boolean | { tests: string[]; globalSetup?: string[] };
}

const ALL_TESTS = 'test/**/*.test.ts';

/**
 * The settings every Latchkey package's vitest run shares, with `overrides` (vitest `test` options)
 * on top. Tests run real servers, real Chromium and real crypto: timeouts give a slow CI machine room
 * but fail rather than hang; forks keep each file's servers and native modules (better-sqlite3) apart.
 */
export function latchkeyVitestConfig({ chromium = false, ...overrides }: LatchkeyVitestOptions = {}): ViteUserConfig {
  const test: TestUserConfig = {
    include: [ALL_TESTS],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: a single file at a time on a 2-core CI
    // machine. These tests spend much of their time waiting (servers, sockets, Chromium), so run
    // at least two files at once.
    maxWorkers: Math.max(2, availableParallelism()),
    // expect.poll waits for what arrives on its own (a page's beacon, a queued event write): its
    // default 1 s is not long on a loaded 2-core CI machine, where one such wait failed. Like the
    // test timeout, the bound only turns what never arrives into a failure; it asserts no speed.
    expect: { poll: { timeout: 15_000 } },
    // The JSON report feeds the plain "N passed, N failed" line that .ci/run prints (scripts/test-summary.mjs).
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    ...overrides,
  };
  if (chromium === false) return defineConfig({ test });

  const browserTests = chromium === true ? test.include ?? [ALL_TESTS] : chromium.tests;
  const browserSetup = chromium === true ? [] : chromium.globalSetup ?? [];
  const gate = chromiumGate(browserTests, chromium !== true);
  const globalSetup = [test.globalSetup ?? []].flat();
  if (gate.run) return defineConfig({ test: { ...test, globalSetup: [...globalSetup, ...browserSetup] } });

  // Printed last, after the summary, where a developer reads the outcome of the run.
  const notice = { onTestRunEnd: () => console.warn(gate.notice) };
  return defineConfig({
    test: {
      ...test,
      exclude: [...(test.exclude ?? configDefaults.exclude), ...browserTests],
      globalSetup,
      reporters: [...[test.reporters ?? []].flat(), notice],
      // A package whose every test needs Chromium has nothing left to run: that is the notice's case, not a failure.
      passWithNoTests: true,
    },
  });
}
