import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { createProject } from '../../projects/create-project.js';
import { listProjects } from '../../projects/get-project.js';
import { startServer, type RunningServer } from '../../server.js';
import { withStore } from '../cli-context.js';

const DEMO_NAME = 'Latchkey demo';
const DEMO_ORIGINS = ['http://localhost:3000', 'http://localhost:4000'];

/** `npm start`: a demo project on first start, its id and secret printed once. */
async function ensureDemoProject(): Promise<void> {
  const created = await withStore(async (ctx) => {
    const existing = (await listProjects(ctx)).find((p) => p.name === DEMO_NAME);
    if (existing) return { project: existing, secret: undefined };
    const { project, apiSecret } = await createProject(ctx, { name: DEMO_NAME, rpId: 'localhost', origins: DEMO_ORIGINS });
    return { project, secret: apiSecret.secret };
  });
  const lines = [`Demo project: ${created.project.id} (RP ID localhost, origins ${created.project.origins.join(', ')})`];
  if (created.secret) {
    lines.push(`API secret:   ${created.secret}`, '              shown only now: store it (Backend API password; user = the project id).');
  } else {
    lines.push('API secret:   shown on first start; make another with `npx latchkey secret create --project ' + created.project.id + '`');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
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
    .action(async (opts: { demo?: boolean }) => {
      if (opts.demo) await ensureDemoProject();
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
      server = await startServer(loadConfig());
      if (stopping) {
        shutDown(server, 'a signal during start-up');
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
      const { migrateToLatest } = await import('../../store/migrate.js');
      const { openStore } = await import('../../store/store.js');
      const store = openStore(loadConfig().databaseUrl);
      try {
        const applied = await migrateToLatest(store);
        process.stdout.write(
          opts.json ? `${JSON.stringify({ applied })}\n` : applied.length ? `applied: ${applied.join(', ')}\n` : `up to date (${store.describe})\n`,
        );
      } finally {
        await store.close();
      }
    });
}
