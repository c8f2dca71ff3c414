import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject, loadConfig, startServer, type RunningServer } from '@latchkey/server';

export const ORIGIN = 'http://localhost:3000';

/** Real time plus an offset the test moves: token expiry over real HTTP without sleeping. */
export class MovableClock {
  private offsetMs = 0;
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}

export interface TestProject {
  id: string;
  secret: string;
}

export interface TestLatchkey {
  url: string;
  port: number;
  databaseUrl: string;
  clock: MovableClock;
  server: RunningServer;
  /** The first project (RP ID localhost, origin http://localhost:3000). */
  project: TestProject;
  addProject(input?: { tokenTtl?: number }): Promise<TestProject>;
  /** Requests this server received, in order, as "METHOD /path" (query cut off). */
  received: string[];
  /** How many requests of this method reached this path. */
  count(method: string, path: string): number;
  /** Stops the server; with `keepData` the database survives for a restart on the same port. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * A real Latchkey server in this process, on 127.0.0.1, with a SQLite file of its own, a movable
 * clock, and a record of every request it received (read from its Node HTTP server's `request`
 * event, which fires on arrival, before any answer: a count read after a call is exact).
 */
export async function startLatchkey(options: { port?: number; databaseUrl?: string; project?: TestProject; backendRateLimit?: number } = {}): Promise<TestLatchkey> {
  const dir = options.databaseUrl ? undefined : await mkdtemp(join(tmpdir(), 'latchkey-node-'));
  const databaseUrl = options.databaseUrl ?? `file:${dir}/latchkey.sqlite`;
  const clock = new MovableClock();
  const server = await startServer(
    { ...loadConfig({}), port: options.port ?? 0, host: '127.0.0.1', databaseUrl, logLevel: 'silent', frontendRateLimit: 0, backendRateLimit: options.backendRateLimit ?? 0 },
    { clock },
  );
  const received: string[] = [];
  server.app.server.on('request', (request: IncomingMessage) => received.push(`${request.method} ${(request.url ?? '').split('?')[0]}`));

  async function addProject(input: { tokenTtl?: number } = {}): Promise<TestProject> {
    const { project, apiSecret } = await createProject(server.ctx, { name: 'SDK test', rpId: 'localhost', origins: [ORIGIN], ...input });
    return { id: project.id, secret: apiSecret.secret };
  }

  const project = options.project ?? (await addProject());
  const url = server.url.replace('localhost', '127.0.0.1');
  return {
    url,
    port: Number(new URL(url).port),
    databaseUrl,
    clock,
    server,
    project,
    addProject,
    received,
    count: (method, path) => received.filter((r) => r === `${method} ${path}`).length,
    close: async ({ keepData = false } = {}) => {
      await server.close();
      if (dir && !keepData) await rm(dir, { recursive: true, force: true });
    },
  };
}

export const VERIFY = ['POST', '/v2/passkey/verifySignedData'] as const;
