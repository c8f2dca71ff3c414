import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers, real files, real crypto: give slow CI machines room, but fail rather than hang.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: files run in parallel workers, each with its own servers and SQLite files.
    pool: 'forks',
    // The JSON report feeds the plain "N passed, N failed" line that .ci/run prints.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
