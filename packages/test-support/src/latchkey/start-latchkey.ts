import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject, loadConfig, startServer, type RunningServer } from '@latchkey/server';
import { TestClock } from '@latchkey/testkit';
import { testProject, type TestProject } from './test-project.js';

/**
 * The origin of projects made without `origins`: a page origin no test serves, for suites that drive
 * the Frontend API over plain fetch and send it as the `Origin` header.
 */
export const TEST_ORIGIN = 'http://localhost:3000';

export interface StartLatchkeyOptions {
  /** Origins of the first project; default [TEST_ORIGIN]. */
  origins?: string[];
  /** Default 0 (an ephemeral port); a fixed one to restart a server where its clients still point. */
  port?: number;
  /** Default a SQLite file in this server's temporary directory; another server's, to restart it. */
  databaseUrl?: string;
  /** The first project already exists in `databaseUrl` (a restart): use it rather than create one. */
  project?: Pick<TestProject, 'id' | 'apiSecret' | 'origins'>;
  /** Requests per minute and API secret; default 0 (off), so fast tests are never limited. */
  backendRateLimit?: number;
  /** pino level; default 'warn', so a server-side failure shows up next to the failing test. */
  logLevel?: string;
}

export interface TestLatchkey {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  databaseUrl: string;
  /** A temporary directory of this server's own, removed on close unless `keepData`: room for other files of the test. */
  dir: string;
  /** The server's clock: move it to test expiry. */
  clock: TestClock;
  server: RunningServer;
  /** The first project (RP ID `localhost`). */
  project: TestProject;
  addProject(input?: { origins?: string[]; tokenTtl?: number }): Promise<TestProject>;
  /** Requests this server received, in order, as "METHOD /path" (query cut off). */
  received: string[];
  /** How many requests of this method reached this path. */
  count(method: string, path: string): number;
  /** Stops the server; with `keepData` its directory (and database) survive for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * A real Latchkey server in this process, on 127.0.0.1, with a SQLite file of its own, a movable
 * clock, rate limits off, one project, and a record of every request it received (read from its
 * Node HTTP server's `request` event, which fires on arrival, before any answer: a count read after
 * a call is exact).
 */
export async function startLatchkey(options: StartLatchkeyOptions = {}): Promise<TestLatchkey> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-test-'));
  const databaseUrl = options.databaseUrl ?? `file:${join(dir, 'latchkey.sqlite')}`;
  const clock = new TestClock();
  let server: RunningServer;
  try {
    server = await startServer(
      {
        ...loadConfig({}),
        port: options.port ?? 0,
        host: '127.0.0.1',
        databaseUrl,
        logLevel: options.logLevel ?? 'warn',
        frontendRateLimit: 0,
        backendRateLimit: options.backendRateLimit ?? 0,
      },
      { clock },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const received: string[] = [];
  server.app.server.on('request', (request: IncomingMessage) => received.push(`${request.method} ${(request.url ?? '').split('?')[0]}`));
  const url = server.url;

  async function addProject(input: { origins?: string[]; tokenTtl?: number } = {}): Promise<TestProject> {
    const origins = input.origins ?? [TEST_ORIGIN];
    const { project, apiSecret } = await createProject(server.ctx, {
      name: 'Test',
      rpId: 'localhost',
      origins,
      ...(input.tokenTtl === undefined ? {} : { tokenTtl: input.tokenTtl }),
    });
    return testProject(url, project.id, apiSecret.secret, origins);
  }

  const first = options.project;
  const project = first ? testProject(url, first.id, first.apiSecret, first.origins) : await addProject(options.origins ? { origins: options.origins } : {});
  return {
    url,
    port: Number(new URL(url).port),
    databaseUrl,
    dir,
    clock,
    server,
    project,
    addProject,
    received,
    count: (method, path) => received.filter((r) => r === `${method} ${path}`).length,
    close: async ({ keepData = false } = {}) => {
      await server.close();
      if (!keepData) await rm(dir, { recursive: true, force: true });
    },
  };
}
