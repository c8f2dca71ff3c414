import { afterEach, describe, expect, it, vi } from 'vitest';
import { chromiumGate } from '../src/vitest/chromium-gate.js';

/** The README's promise about Chromium, decided while vitest loads a package's config. */
describe('chromiumGate', () => {
  it('runs the browser tests where Chromium can run', () => {
    expect(chromiumGate(['test/a.test.ts'], true, { path: process.execPath, env: {} })).toEqual({ run: true });
    expect(chromiumGate(['test/a.test.ts'], true, { path: process.execPath, env: { CI: 'true' } })).toEqual({ run: true });
  });

  it('without Chromium on a developer machine, skips them with a notice that says which, why and what to do', () => {
    const gate = chromiumGate(['test/a.test.ts', 'test/b.test.ts'], true, { path: '/nonexistent/chromium', env: {} });
    expect(gate.run).toBe(false);
    const notice = gate.run ? '' : gate.notice;
    expect(notice).toContain('Browser tests SKIPPED (test/a.test.ts, test/b.test.ts)');
    expect(notice).toContain('/nonexistent/chromium does not exist');
    expect(notice).toContain('LATCHKEY_TEST_CHROMIUM');
    expect(notice).toContain('the other tests ran as usual');
    const all = chromiumGate(['test/**/*.test.ts'], false, { path: '/nonexistent/chromium', env: {} });
    expect(all.run ? '' : all.notice).not.toContain('the other tests');
  });

  it('says why a file that is there cannot run', () => {
    const gate = chromiumGate(['test/a.test.ts'], true, { path: new URL(import.meta.url).pathname, env: {} });
    expect(gate.run ? '' : gate.notice).toMatch(/cannot be run \(EACCES\)/);
  });

  it('on CI, throws instead: CI never skips the browser tests', () => {
    expect(() => chromiumGate(['test/a.test.ts'], true, { path: '/nonexistent/chromium', env: { CI: 'true' } })).toThrow(
      /CI must run the browser tests \(test\/a\.test\.ts\).*\/nonexistent\/chromium does not exist/,
    );
  });
});

describe('latchkeyVitestConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  /** The config as a package's vitest.config.ts gets it, with Chromium at `chromium` and CI as given. */
  async function configWith(chromium: string, ci: string, options: Parameters<typeof import('../src/vitest/index.js').latchkeyVitestConfig>[0]) {
    vi.stubEnv('LATCHKEY_TEST_CHROMIUM', chromium);
    vi.stubEnv('CI', ci);
    vi.resetModules(); // CHROMIUM_PATH is read from the environment when the module loads
    const { latchkeyVitestConfig } = await import('../src/vitest/index.js');
    return latchkeyVitestConfig(options).test!;
  }

  it('gives the shared settings, with overrides on top', async () => {
    const test = await configWith(process.execPath, '', { maxWorkers: 2 });
    expect(test).toMatchObject({
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      pool: 'forks',
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
      maxWorkers: 2,
    });
    expect(test.passWithNoTests).toBeUndefined();
  });

  it('with Chromium, runs the browser tests and their globalSetup', async () => {
    const test = await configWith(process.execPath, '', { chromium: { tests: ['test/b.test.ts'], globalSetup: ['test/helpers/browser.ts'] } });
    expect(test.exclude).toBeUndefined();
    expect(test.globalSetup).toEqual(['test/helpers/browser.ts']);
  });

  it('without Chromium, leaves out only the browser tests and their globalSetup, prints the notice at the end, and passes', async () => {
    const test = await configWith('/nonexistent', '', { chromium: { tests: ['test/b.test.ts'], globalSetup: ['test/helpers/browser.ts'] }, globalSetup: ['test/helpers/db.ts'] });
    expect(test.include).toEqual(['test/**/*.test.ts']);
    expect(test.exclude).toEqual(expect.arrayContaining(['**/node_modules/**', 'test/b.test.ts']));
    expect(test.globalSetup).toEqual(['test/helpers/db.ts']);
    expect(test.passWithNoTests).toBe(true);
    const reporters = test.reporters as unknown[];
    expect(reporters.slice(0, 2)).toEqual(['default', 'json']);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      (reporters[2] as { onTestRunEnd(): void }).onTestRunEnd();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('Browser tests SKIPPED (test/b.test.ts)'));
    } finally {
      warn.mockRestore();
    }
  });

  it('without Chromium, `chromium: true` leaves out every test of the package', async () => {
    const test = await configWith('/nonexistent', '', { chromium: true });
    expect(test.exclude).toContain('test/**/*.test.ts');
    expect(test.passWithNoTests).toBe(true);
  });

  it('without Chromium on CI, refuses to load', async () => {
    await expect(configWith('/nonexistent', 'true', { chromium: true })).rejects.toThrow(/CI must run the browser tests/);
  });
});
