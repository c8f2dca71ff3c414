// The server half of `npm run bench:instructions` (bench/instructions.ts): a real Latchkey server
// started from a built package (`dist/`, argv[2] = the package directory) — plain JavaScript, so
// that valgrind runs node alone, with no TypeScript loader. It prints its URL, project and secret
// as one JSON line and stops when anything arrives on stdin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';

const dir = process.argv[2];
const load = (path) => import(pathToFileURL(join(dir, 'dist', path)).href);
const { loadConfig } = await load('config/config.js');
const { createProject } = await load('projects/create-project.js');
const { startServer } = await load('server.js');
const tmp = mkdtempSync(join(tmpdir(), 'latchkey-instructions-'));
const config = {
  ...loadConfig({}),
  databaseUrl: process.env.BENCH_DATABASE_URL || `file:${join(tmp, 'instructions.sqlite')}`,
  port: 0,
  // As in production: rate limits on, at a budget the load never reaches; logs at info into /dev/null.
  frontendRateLimit: 1e9,
  backendRateLimit: 1e9,
  housekeepingInterval: 0,
};
const server = await startServer(config, { logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })) });
const { project, apiSecret } = await createProject(server.ctx, { name: 'Instructions', rpId: 'localhost', origins: ['http://localhost:3000'], tokenTtl: 600 });
process.stdout.write(`${JSON.stringify({ url: server.url, project, secret: apiSecret.secret })}\n`);
process.stdin.once('data', async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
});
