/**
 * `npm start`: Latchkey and the demo app in one process. Latchkey with its usual configuration
 * (LATCHKEY_* variables; port 4000, SQLite under ./data/), a demo project made on first start,
 * the demo on port 3000 (DEMO_PORT). Ctrl-C stops both.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, startServer, type RunningServer } from '@latchkey/server';
import { ensureDemoProject } from './latchkey/demo-project.js';
import { startDemo, type RunningDemo } from './start-demo.js';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number (1–65535), got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  // npm runs a workspace's scripts inside the workspace's folder; relative paths (./data/, .env)
  // are meant from where `npm start` was typed, which npm passes as INIT_CWD.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  // Like `latchkey serve`: a .env file supplies variables the environment does not already set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const demoPort = port('DEMO_PORT', 3000);
  const dataDir = resolve(process.env.DEMO_DATA_DIR || './data/demo');
  const config = loadConfig(process.env);
  // Latchkey logs every request at `info`; next to a demo that is noise unless asked for.
  const logLevel = process.env.LATCHKEY_LOG_LEVEL || 'warn';

  let server: RunningServer | undefined;
  let demo: RunningDemo | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write('Stopping immediately.\n');
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the demo and Latchkey…\n`);
    (async () => {
      await demo?.close();
      await server?.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  server = await startServer({ ...config, logLevel });
  const origin = `http://localhost:${demoPort}`;
  const project = await ensureDemoProject(server, join(dataDir, 'latchkey-project.json'), origin);
  demo = await startDemo({
    port: demoPort,
    latchkeyUrl: server.url,
    projectId: project.projectId,
    apiSecret: project.apiSecret,
    dataDir,
    logLevel: process.env.DEMO_LOG_LEVEL || 'warn',
  });
  if (stopping) return;
  process.stdout.write(
    [
      '',
      `Latchkey      ${server.url}  (API reference ${server.url}/docs)`,
      `Project       ${project.projectId}${project.created ? ' (new)' : ''} — RP ID localhost, origin ${origin}`,
      `              id and API secret kept in ${join(dataDir, 'latchkey-project.json')}`,
      '',
      `Open the demo: ${demo.url}`,
      '',
      'Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    const address = (error as { address?: string; port?: number }).port;
    process.stderr.write(`Port ${address ?? ''} is already in use. Stop the other server, or set DEMO_PORT / LATCHKEY_PORT.\n`);
  } else {
    process.stderr.write(`The demo could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
