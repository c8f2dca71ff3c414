import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Project } from '../../src/projects/project.js';
import { ENTRY, killAllCliProcesses, runCli, runCliFails, runCliJson, serveCli, startCli, type RunOptions, type Served } from './cli-process.js';
import { basicAuth, httpRequest } from './http-client.js';
import { freshDatabase, type TestDatabase } from './test-store.js';

/**
 * What the CLI suites (cli-*.test.ts) share: one store of the kind this run tests, a directory
 * without a .env to run `latchkey …` in, and (unless asked not to) a `latchkey serve` process on that
 * store, started before the first test and stopped (expecting exit 0) after the last. The suite is
 * split in files by concern so that its CLI processes spread over the test workers.
 *
 * Call it once, at the top of a test file: it registers the file's beforeAll and afterAll. Its state
 * lives in the returned object, never in this module, which a worker loads once for all its files.
 */
export interface CliSuite {
  /** The suite's shared store (LATCHKEY_DATABASE_URL). */
  readonly db: string;
  /** A directory without a .env: the CLI's working directory unless a test says otherwise. */
  readonly cwd: string;
  /** The suite's running server on `db`. */
  readonly server: Served;
  /** A fresh store of the kind this run tests, dropped after the suite. */
  freshDb(): Promise<string>;
  /** The helpers of cli-process.ts, defaulting to the suite's store and directory. */
  start: (args: string[], options?: Partial<RunOptions>) => ReturnType<typeof startCli>;
  cli: (args: string[], options?: Partial<RunOptions>) => ReturnType<typeof runCli>;
  cliJson: <T = any>(args: string[], options?: Partial<RunOptions>) => Promise<T>;
  cliFails: (args: string[], options?: Partial<RunOptions>) => Promise<string>;
  serve: (args?: string[], options?: Partial<RunOptions>, probe?: boolean) => Promise<Served>;
}

export function cliSuite({ server: withServer = true }: { server?: boolean } = {}): CliSuite {
  const dirs: string[] = [];
  const databases: TestDatabase[] = [];
  let db: string | undefined;
  let cwd: string | undefined;
  let server: Served | undefined;

  const withDefaults = (options: Partial<RunOptions> = {}): RunOptions => ({ db: suite.db, cwd: suite.cwd, ...options });
  const suite: CliSuite = {
    get db() {
      if (db === undefined) throw new Error('the CLI suite has no store before its beforeAll');
      return db;
    },
    get cwd() {
      if (cwd === undefined) throw new Error('the CLI suite has no directory before its beforeAll');
      return cwd;
    },
    get server() {
      if (server === undefined) throw new Error(withServer ? 'the CLI suite has no server before its beforeAll' : 'this CLI suite runs without a shared server');
      return server;
    },
    async freshDb() {
      const database = await freshDatabase();
      databases.push(database);
      return database.url;
    },
    start: (args, options) => startCli(args, withDefaults(options)),
    cli: (args, options) => runCli(args, withDefaults(options)),
    cliJson: (args, options) => runCliJson(args, withDefaults(options)),
    cliFails: (args, options) => runCliFails(args, withDefaults(options)),
    serve: (args = [], options, probe = true) => serveCli(args, withDefaults(options), probe),
  };

  beforeAll(async () => {
    if (!existsSync(ENTRY)) {
      throw new Error(`${ENTRY} is missing: the CLI is not built. Run \`npm run build\` in packages/server (\`npm test\` builds before running vitest).`);
    }
    cwd = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
    dirs.push(cwd);
    db = await suite.freshDb();
    if (withServer) server = await suite.serve();
  });

  afterAll(async () => {
    try {
      if (server && server.child.exitCode === null && server.child.signalCode === null) {
        expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      }
    } finally {
      killAllCliProcesses();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      for (const database of databases) await database.drop();
    }
  });

  return suite;
}

/** What `latchkey project create --json` prints. */
export interface Created {
  projectId: string;
  apiSecret: string;
  apiSecretId: string;
  project: Project;
}

/** For tests that run many CLI processes one after another (each one starts Node and opens the store). */
export const SLOW = 180_000;

export const ORIGINS = ['--origin', 'http://localhost:3000', '--origin', 'http://localhost:4000'];

/** verifySignedData with a junk token: 200 invalidSignature proves the credentials were accepted. */
export const verifyJunk = (url: string, projectId: string, secret: string) =>
  httpRequest(url, 'POST', '/v2/passkey/verifySignedData', { body: { signedPasskeyData: 'x' }, headers: { authorization: basicAuth(projectId, secret) } });
