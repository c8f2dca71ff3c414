import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllCliProcesses, serveCli, TEST_POSTGRES_KEK, type Served } from '../helpers/cli-process.js';
import { signInAdmin, type ConsoleAdmin } from '../helpers/console.js';
import { startTestServer, type TestServer } from '../helpers/harness.js';
import { freshPostgresDatabase, type TestDatabase } from '../helpers/test-store.js';

/**
 * The console's instance count on PostgreSQL: two `latchkey serve` processes (one a cluster of two
 * workers) heartbeat into one database, and the health view of a third server on it counts them.
 * A graceful stop removes an instance's heartbeat at once.
 */

let database: TestDatabase;
let dir: string;
let a: Served;
let b: Served;
let viewer: TestServer;
let owner: ConsoleAdmin;

beforeAll(async () => {
  database = await freshPostgresDatabase();
  dir = mkdtempSync(join(tmpdir(), 'latchkey-instances-'));
  const options = { db: database.url, cwd: dir };
  // Started one after the other, with time to spare: a cluster's workers start slowly on a busy machine.
  a = await serveCli([], { ...options, env: { LATCHKEY_WORKERS: '2' } }, true, 90_000);
  b = await serveCli([], options, true, 90_000);
  // The server whose console is asked; its own sampler is left unscheduled (the harness's), so it writes no heartbeat.
  viewer = await startTestServer({ databaseUrl: database.url, keyEncryptionKey: new Uint8Array(Buffer.from(TEST_POSTGRES_KEK, 'base64')) });
  owner = await signInAdmin(viewer, 'pg-ops@example.com');
}, 240_000);

afterAll(async () => {
  try {
    for (const served of [a, b]) if (served) await served.stop('SIGTERM');
    await viewer?.close();
  } finally {
    killAllCliProcesses();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  }
});

describe('instance count on PostgreSQL', () => {
  it('the health view counts every serving process of every instance: a cluster\'s two workers and a single process', async () => {
    const health = await owner.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.store).toBe('postgres');
    expect(health.body.instances).toMatchObject({ seen: 3, hosts: 1, withinSeconds: 180 });
    expect(new Set(health.body.instances.instances.map((i: { pid: number }) => i.pid)).size).toBe(3);
  });

  it('an instance stopped gracefully is no longer counted', async () => {
    expect(await b.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const health = await owner.call('GET', '/health');
    expect(health.body.instances.seen).toBe(2);
  });
});
