import { Writable } from 'node:stream';
import pino from 'pino';
import type { Ctx } from '../../src/context.js';
import { loadConfig } from '../../src/config/config.js';
import { buildApp } from '../../src/http/app.js';
import type { RequestTimeouts } from '../../src/http/server-timeouts.js';
import type { App } from '../../src/http/route-deps.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { startOpsSampler, type OpsSampler } from '../../src/ops/start-ops-sampler.js';
import { createProject, type CreateProjectInput } from '../../src/projects/create-project.js';
import { createContext } from '../../src/server.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/store.js';
import { httpRequest, projectClient, type HttpAnswer, type RequestInit, type TestProject } from './http-client.js';
import { TestClock } from '@latchkey/testkit';
import { freshMigratedDatabase } from './test-store.js';

export type { HttpAnswer, TestProject } from './http-client.js';

export const ORIGIN = 'http://localhost:3000';

/** The production defaults (an empty environment's configuration). */
const { headersTimeout, requestTimeout, keepAliveTimeout, eventFlushMs: DEFAULT_EVENT_FLUSH_MS } = loadConfig({});
const DEFAULT_TIMEOUTS: RequestTimeouts = { headers: headersTimeout, request: requestTimeout, keepAlive: keepAliveTimeout };
export const RP_ID = 'localhost';

export interface TestServer {
  url: string;
  ctx: Ctx;
  clock: TestClock;
  app: App;
  metrics: Metrics;
  /** This server's heartbeat and latency sampler, unscheduled: tests call ops.sampleNow() with the clock where they want it. */
  ops: OpsSampler;
  /** Every log line the server wrote, parsed. */
  logs: Array<{ level: number; msg?: string; [key: string]: unknown }>;
  /** The default project (RP ID localhost, origin http://localhost:3000). */
  main: TestProject;
  addProject(input?: Partial<CreateProjectInput>): Promise<TestProject>;
  request<T = any>(method: string, path: string, init?: RequestInit): Promise<HttpAnswer<T>>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  databaseUrl?: string;
  frontendRateLimit?: number;
  backendRateLimit?: number;
  bodyLimit?: number;
  /** Request timeouts in milliseconds (the production defaults otherwise). */
  timeouts?: Partial<RequestTimeouts>;
  keyEncryptionKey?: Uint8Array;
  /** Milliseconds a database connection or statement may take (the store's default otherwise). */
  databaseTimeout?: number;
  /** The refusal events' write-behind interval (the production default otherwise; 0: written at once). */
  eventFlushMs?: number;
  /** pino level of the captured logs (default `info`; `debug` adds each request's arrival line). */
  logLevel?: 'info' | 'debug';
}

/**
 * A real Latchkey HTTP server on 127.0.0.1 with a fresh, migrated store of the kind this run tests
 * (a real SQLite file, or a PostgreSQL database of its own copied from the run's migrated template;
 * see test-store.ts) or the store given, a
 * movable clock, and its logs captured so tests can assert that nothing was
 * logged at error level.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = new TestClock();
  const logs: TestServer['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as TestServer['logs'][number]);
      done();
    },
  });
  const logger = pino({ level: options.logLevel ?? 'info' }, sink);
  const database = options.databaseUrl ? undefined : await freshMigratedDatabase();
  const store = openStore(options.databaseUrl ?? database!.url, {
    ...(options.databaseTimeout ? { timeout: options.databaseTimeout } : {}),
    onBackgroundError: (error) => logger.warn({ err: error }, 'a pooled database connection failed'),
  });
  await migrateToLatest(store);
  const ctx = {
    ...createContext({ keyEncryptionKey: options.keyEncryptionKey }, store, clock, { events: { flushMs: options.eventFlushMs ?? DEFAULT_EVENT_FLUSH_MS, log: logger } }),
    log: logger,
  };
  const metrics = new Metrics(store);
  const ops = startOpsSampler(ctx, metrics.latency, 60, { scheduled: false });
  const app = await buildApp({
    ctx,
    metrics,
    logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    trustProxy: false,
    frontendRateLimit: options.frontendRateLimit ?? 0,
    backendRateLimit: options.backendRateLimit ?? 0,
    opsSampleInterval: 60,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });

  const request = <T>(method: string, path: string, init?: RequestInit) => httpRequest<T>(address, method, path, init);

  async function addProject(input: Partial<CreateProjectInput> = {}): Promise<TestProject> {
    const { project, apiSecret } = await createProject(ctx, { name: 'Test app', rpId: RP_ID, origins: [ORIGIN], ...input });
    return projectClient(address, project, apiSecret.secret);
  }

  const main = await addProject();
  return {
    url: address,
    ctx,
    clock,
    app,
    metrics,
    ops,
    logs,
    main,
    addProject,
    request,
    close: async () => {
      await app.close();
      await store.close();
      await database?.drop();
    },
  };
}

/** Log entries at error level or above (pino: 50 = error, 60 = fatal). */
export const errorLogs = (server: TestServer) => server.logs.filter((l) => l.level >= 50);

/** `latchkey_store_failures_total{code="store_unavailable"}` as the server's /metrics reports it. */
export async function storeFailuresCounted(server: TestServer): Promise<number> {
  const text = (await server.request('GET', '/metrics')).body as string;
  return Number(/^latchkey_store_failures_total\{code="store_unavailable"\} (\d+)/m.exec(text)?.[1] ?? 0);
}
