import type { Command } from 'commander';
import type pino from 'pino';
import { resolveWorkerCount } from '../../cluster/worker-count.js';
import { loadConfig, MAX_WORKERS, type Config } from '../../config/config.js';
import type { RunningServer } from '../../server.js';
import { explainStoreFault } from '../../store/explain-store-fault.js';
import { withStore } from '../cli-context.js';
import { stopGracefully } from '../stop-gracefully.js';

const DEMO_NAME = 'Latchkey demo';
const DEMO_ORIGINS = ['http://localhost:3000', 'http://localhost:4000'];

interface DemoProject {
  projectId: string;
  /** Only on the start that created it. */
  apiSecret?: string;
}

/** `npm start`: a demo project on first start, its id and secret shown once. */
async function ensureDemoProject(): Promise<DemoProject & { origins: string[] }> {
  const [{ createProject }, { listProjects }] = await Promise.all([import('../../projects/create-project.js'), import('../../projects/get-project.js')]);
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

/** The banner: one "listening" line with the worker count, then where to look. */
function describeListening(url: string, workers: number): string {
  const count = workers === 1 ? '1 process' : `${workers} worker processes`;
  return [`Latchkey is listening on ${url} (${count})`, `  API reference  ${url}/docs`, `  health         ${url}/healthz`, ''].join('\n');
}

function printListening(url: string, workers: number, demo: (DemoProject & { origins: string[] }) | undefined, json: boolean | undefined): void {
  if (json) {
    const demoProject = demo ? { projectId: demo.projectId, ...(demo.apiSecret ? { apiSecret: demo.apiSecret } : {}) } : undefined;
    process.stdout.write(`${JSON.stringify({ url, workers, ...(demoProject ? { demoProject } : {}) })}\n`);
  } else {
    process.stdout.write(describeListening(url, workers));
  }
}

/** Today's single process: no cluster, the server in this process. */
async function serveInThisProcess(config: Config, logger: pino.Logger | undefined, onListening: (url: string) => void): Promise<void> {
  // Signal handlers go in before the server listens: a supervisor that sends SIGTERM the moment
  // it sees the banner (or even earlier) must get a graceful stop, never a kill.
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (server) stopGracefully(server, signal); // else: shut down as soon as it has started
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Loaded here, not at the top: every other command starts without the HTTP server's modules.
  const { startServer } = await import('../../server.js');
  server = await startServer(config, logger ? { logger } : {});
  if (stopping) {
    stopGracefully(server, 'a signal during start-up');
    return;
  }
  onListening(server.url);
}

/** `--workers N`: a primary that prepares the store once and N worker processes that share the port. */
async function serveInWorkers(config: Config, workers: number, logger: pino.Logger, logsToStderr: boolean, onListening: (url: string) => void): Promise<void> {
  const { ServeCluster } = await import('../../cluster/serve-cluster.js');
  const serving = new ServeCluster(config, { workers, logger, logsToStderr });
  const stop = (signal: string) => void serving.stop(signal).then((code) => process.exit(code));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  void serving.failed.then(({ line, exitCode }) => {
    process.stderr.write(`latchkey: ${line}\n`);
    process.exit(exitCode);
  });
  if (await serving.start()) onListening(serving.listeningUrl);
}

export function serveCommands(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (Frontend API, Backend API, JWKS, health, metrics, docs); applies pending migrations first')
    .option('--demo', 'create a demo project on first start (what `npm start` does)')
    .option('--json', 'print one JSON object ({url, workers, demoProject?}) on stdout once listening; logs go to stderr')
    .option('--workers <n>', `processes that serve, sharing the port (default: LATCHKEY_WORKERS, else one per core; 1 = a single process, at most ${MAX_WORKERS})`)
    .action(async (opts: { demo?: boolean; json?: boolean; workers?: string }) => {
      const config = loadConfig();
      const workers = resolveWorkerCount(opts.workers, config.workers);
      const demo = opts.demo ? await ensureDemoProject() : undefined;
      if (demo && !opts.json) process.stdout.write(`${describeDemo(demo)}\n`);
      const onListening = (url: string) => printListening(url, workers, demo, opts.json);
      const { serverLogger } = await import('../../logging/log-destination.js');
      // With --json, stdout carries the one JSON object only: logs move to stderr.
      const logger = serverLogger(config.logLevel, opts.json ? 2 : 1);
      if (workers === 1) await serveInThisProcess(config, logger, onListening);
      else await serveInWorkers(config, workers, logger, Boolean(opts.json), onListening);
    });

  program
    .command('migrate')
    .description('apply pending migrations and exit')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const [{ openStore }, { migrateToLatest }] = await Promise.all([import('../../store/store.js'), import('../../store/migrate.js')]);
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
