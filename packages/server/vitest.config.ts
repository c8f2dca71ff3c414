import { availableParallelism } from 'node:os';
import pg from 'pg';
import { defineConfig, type TestProjectConfiguration } from 'vitest/config';
import { LongestFirstSequencer } from './test/longest-first-sequencer.js';

/**
 * The whole suite runs twice: once on the embedded SQLite store, once on PostgreSQL (each test
 * server on a database of its own). Tests under test/postgres/ are about PostgreSQL and several
 * instances only; those under test/sqlite/ about SQLite files only. Without a reachable PostgreSQL a developer's `npm test` says plainly that the
 * PostgreSQL suite was skipped and why; on CI (CI=true) that is a failure instead.
 */
const POSTGRES_URL = process.env.LATCHKEY_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function postgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Files whose promises do not depend on the store: they run once, in the `sqlite` project. The
 * software authenticator; the CLI's own surface (--help, --version, usage errors, .env); the
 * environment and error-code tables; the restart policy (pure); the AAGUID table; the OpenAPI
 * document (generated from the route schemas, the same whatever the store); what the HTTP layer
 * refuses before any route runs (body limits, slow clients).
 */
const STORE_INDEPENDENT = [
  'test/authenticator.test.ts',
  'test/cli-usage.test.ts',
  'test/environment.test.ts',
  'test/error-codes.test.ts',
  'test/restart-policy.test.ts',
  'test/aaguid-data.test.ts',
  'test/contract.test.ts',
  'test/http-limits.test.ts',
  'test/slow-clients.test.ts',
];

/** Printed after the run's summary, where a developer reads, when the PostgreSQL suite did not run. */
let skipNotice: string | undefined;
const skipNoticeReporter = { onTestRunEnd: () => (skipNotice ? console.warn(skipNotice) : undefined) };

export default defineConfig(async () => {
  const reason = await postgresUnreachable();
  if (reason !== undefined) {
    const where = POSTGRES_URL.replace(/\/\/[^@/]*@/, '//');
    if (process.env.CI) throw new Error(`CI must run the PostgreSQL suite, but ${where} is unreachable: ${reason}`);
    skipNotice =
      `\n  PostgreSQL suite SKIPPED: ${where} is unreachable (${reason}).\n` +
      `  Start PostgreSQL or set LATCHKEY_TEST_POSTGRES_URL to run it; the SQLite suite ran as usual.\n`;
  }
  const projects: TestProjectConfiguration[] = [
    // test/sqlite/: faults of real SQLite files and file systems (read-only, immutable, full).
    { extends: true, test: { name: 'sqlite', include: ['test/*.test.ts', 'test/sqlite/*.test.ts'], env: { LATCHKEY_TEST_STORE: 'sqlite' } } },
    // test/browser/: the operator console in real Chromium, once (on SQLite): the store is the API tests' concern.
    { extends: true, test: { name: 'browser', include: ['test/browser/*.test.ts'], env: { LATCHKEY_TEST_STORE: 'sqlite' } } },
  ];
  if (reason === undefined) {
    projects.push({
      extends: true,
      test: {
        name: 'postgres',
        include: ['test/*.test.ts', 'test/postgres/*.test.ts'],
        exclude: STORE_INDEPENDENT,
        env: { LATCHKEY_TEST_STORE: 'postgres', LATCHKEY_TEST_POSTGRES_URL: POSTGRES_URL },
        globalSetup: ['test/helpers/postgres-global-setup.ts'],
      },
    });
  }
  return {
    test: {
      // Real servers, real files, real crypto: give slow CI machines room, but fail rather than hang.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // expect.poll's default 1 s is short on a loaded CI machine; the bound asserts no speed.
      expect: { poll: { timeout: 15_000 } },
      // Files run in parallel workers, each with its own servers and databases. vitest's default
      // is one worker fewer than the cores, i.e. one file at a time on a 2-core CI machine; these
      // files spend much of their time waiting on servers, child processes, PostgreSQL and
      // Chromium, so at least two run at once.
      pool: 'forks' as const,
      maxWorkers: Math.max(2, availableParallelism()),
      // A worker runs its files one after another in one process, with the modules loaded once:
      // loading the server's module graph for every file was 190 s of a 620 s run on CI. Each
      // file still starts its own servers and databases; no test may rely on a module's state
      // being fresh (the module-level caches are keyed by what they hold, never by the test).
      isolate: false,
      // Slowest files first, from a list in the repository: a fresh clone has no cached durations.
      sequence: { sequencer: LongestFirstSequencer },
      // The JSON report feeds the plain "N passed, N failed" line that .ci/run prints.
      reporters: ['default', 'json', skipNoticeReporter],
      outputFile: { json: 'test-results/vitest.json' },
      projects,
    },
  };
});
