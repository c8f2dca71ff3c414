/**
 * The server half of `npm run bench:profile`: a real Latchkey server (`startServer`, the code
 * `latchkey serve` runs) in a process of its own, driven by bench/profile.ts over IPC. It records a
 * CPU profile only between `profile-start` and `profile-stop` (node:inspector's Profiler, in this
 * process), so start-up and set-up stay out of the profile, and it reports its own CPU time
 * (process.cpuUsage) whenever asked, so the parent can charge CPU milliseconds to each operation.
 */
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { logDestination } from '../src/logging/log-destination.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { createProject } from '../src/projects/create-project.js';
import type { Project } from '../src/projects/project.js';
import { startServer } from '../src/server.js';

export type ToServer = { id: number; cmd: 'cpu' | 'profile-start' | 'profile-stop' | 'close' };
export type Reply = { id: number; cpuMicros?: number; profile?: unknown };
export type FromServer = { ready: true; url: string; project: Project; secret: string; store: string } | Reply;

const dir = mkdtempSync(join(tmpdir(), 'latchkey-profile-'));
const config: Config = {
  ...loadConfig({}),
  databaseUrl: process.env.BENCH_DATABASE_URL || `file:${join(dir, 'profile.sqlite')}`,
  databasePoolSize: Number(process.env.BENCH_POOL_SIZE || 10),
  port: 0,
  // Rate limits stay on, as in production, at a budget this load never reaches.
  frontendRateLimit: 1_000_000_000,
  backendRateLimit: 1_000_000_000,
  housekeepingInterval: 0,
};
// Logging at info (a line per request, as in production) into /dev/null, through the server's own
// destination (log-destination.ts): its cost without a flood.
const server = await startServer(config, { logger: pino({ level: 'info' }, logDestination(openSync('/dev/null', 'w'))) });
const { project, apiSecret } = await createProject(server.ctx, { name: 'Profile', rpId: 'localhost', origins: ['http://localhost:3000'], tokenTtl: 600 });

const session = new Session();
session.connect();
const send = (message: FromServer) => process.send!(message);
const cpuMicros = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

process.on('message', async (message: ToServer) => {
  switch (message.cmd) {
    case 'cpu':
      return send({ id: message.id, cpuMicros: cpuMicros() });
    case 'profile-start':
      await session.post('Profiler.enable');
      // 250 µs: enough samples for a few seconds of load, still a small overhead.
      await session.post('Profiler.setSamplingInterval', { interval: 250 });
      await session.post('Profiler.start');
      return send({ id: message.id });
    case 'profile-stop': {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      return send({ id: message.id, profile });
    }
    case 'close':
      session.disconnect();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      send({ id: message.id });
      return process.disconnect();
  }
});
send({ ready: true, url: server.url, project, secret: apiSecret.secret, store: server.ctx.store.describe });
