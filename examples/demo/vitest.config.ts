import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers, a real browser, real crypto: room for a slow CI machine, but fail rather than hang.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores: at most two files at a time. They share one Chromium, each story in its own contexts.
    maxWorkers: 2,
    globalSetup: ['test/helpers/browser-server.ts'],
    // The JSON report feeds the plain "N passed, N failed" line that .ci/run prints.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
