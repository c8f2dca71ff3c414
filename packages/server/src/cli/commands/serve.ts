import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../../config/config.js';
import { createProject } from '../../projects/create-project.js';
import { listProjects } from '../../projects/get-project.js';
import { startServer, type RunningServer } from '../../server.js';
import { explainStoreFault } from '../../store/explain-store-fault.js';
import { migrateToLatest } from '../../store/migrate.js';
import { openStore } from '../../store/store.js';
import { withStore } from '../cli-context.js';

const DEMO_NAME = 'Latchkey demo';
const DEMO_ORIGINS = ['http://localhost:3000', 'http://localhost:4000'];

interface DemoProject {
  projectId: string;
  /** Only on the start that created it. */
  apiSecret?: string;
}

/** `npm start`: a demo project on first start, its id and secret shown once. */
async function ensureDemoProject(): Promise<DemoProject & { origins: string[] }> {
  return withStore(async (ctx) => {
    const existing = (await listProjects(ctx)).find((p) => p.name === DEMO_NAME);
    if (existing) return { projectId: existing.id, origins: existing.origins };
    const { project, apiSecret } = await createProject(ctx, { name: DEMO_NAME, rpId: 'localhost', origins: DEMO_ORIGINS });
    return { projectId: project.id, origins: project.origins, apiSecret: apiSecret.secret };
  }, { signingKeys: true });
}

function describeDemo(demo: DemoProject & { origins: string[] }): string {
  const lines = [`Demo project: ${demo.projectId} (RP ID localhost, origins ${demo.origins.join(', ')})`];
  if (demo.apiSecret) {
    lines.push(`API secret:   ${demo.apiSecret}`, '              shown only now: store it (Backend API password; user = the project id).');
  } else {
    lines.push(`API secret:   shown on first start; make another with \`npx latchkey secret create --project ${demo.projectId}\``);
  }
  return lines.join('\n');
}

/** Stops accepting connections, lets requests in flight finish, closes the store, exits. */
function shutDown(server: RunningServer, reason: string): void {
  server.ctx.log?.info({ reason }, 'stopping: finishing requests in flight');
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      server.ctx.log?.error({ err: error }, 'error while stopping');
      process.exit(1);
    },
  );
}

export function serveCommands(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (Frontend API, Backend API, JWKS, health, metrics, docs); applies pending migrations first')
    .option('--demo', 'create a demo project on first start (what `npm start` does)')
    .option('--json', 'print one JSON object ({url, demoProject?}) on stdout once listening; logs go to stderr')
    .action(async (opts: { demo?: boolean; json?: boolean }) => {
      const demo = opts.demo ? await ensureDemoProject() : undefined;
      if (demo && !opts.json) process.stdout.write(`${describeDemo(demo)}\n`);
      // Signal handlers go in before the server listens: a supervisor that sends SIGTERM the moment
      // it sees the banner (or even earlier) must get a graceful stop, never a kill.
      let server: RunningServer | undefined;
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        if (server) shutDown(server, signal); // else: shut down as soon as it has started
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      const config = loadConfig();
      // With --json, stdout carries the one JSON object only: logs move to stderr.
      server = await startServer(config, opts.json ? { logger: pino({ level: config.logLevel }, pino.destination(2)) } : {});
      if (stopping) {
        shutDown(server, 'a signal during start-up');
        return;
      }
      if (opts.json) {
        const demoProject = demo ? { projectId: demo.projectId, ...(demo.apiSecret ? { apiSecret: demo.apiSecret } : {}) } : undefined;
        process.stdout.write(`${JSON.stringify({ url: server.url, ...(demoProject ? { demoProject } : {}) })}\n`);
        return;
      }
      process.stdout.write(
        [`Latchkey is listening on ${server.url}`, `  API reference  ${server.url}/docs`, `  health         ${server.url}/healthz`, ''].join('\n'),
      );
    });

  program
    .command('migrate')
    .description('apply pending migrations and exit')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const store = openStore(config.databaseUrl, { timeout: config.databaseTimeout, synchronous: config.sqliteSynchronous });
      try {
        const applied = await migrateToLatest(store);
        process.stdout.write(
          opts.json ? `${JSON.stringify({ applied })}\n` : applied.length ? `applied: ${applied.join(', ')}\n` : `up to date (${store.describe})\n`,
        );
      } catch (error) {
        throw explainStoreFault(error, store.describe);
      } finally {
        await store.close();
      }
    });
}
