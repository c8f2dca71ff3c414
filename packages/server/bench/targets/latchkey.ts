import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pidsWithCmdline } from '../lib/proc.js';
import { startChild } from './child.js';
import { ORIGIN, RP_ID, TOKEN_TTL, type Target } from './target.js';

const run = promisify(execFile);

export interface LatchkeyOptions {
  packageDir: string;
  name: string;
  databaseUrl: string;
  cores: string;
  /** `latchkey serve --workers N`; undefined: the plain single-process serve. */
  workers?: number;
  /** Seconds between housekeeping runs (LATCHKEY_HOUSEKEEPING_INTERVAL); default the server's. */
  housekeepingInterval?: number;
  /** Called after the project exists (migrations applied) and before the server starts. */
  beforeServe?: (projectId: string) => Promise<void> | void;
  /** A string in the command line of the database's own processes (PostgreSQL: the database name). */
  storeProcessMatch?: string;
}

/**
 * Latchkey as an operator runs it: `latchkey project create`, then `latchkey serve --json` (the
 * built CLI, bin/latchkey.js → dist), in a child process on `cores`. Rate limits stay on, at a
 * limit far above what the bench sends; logs at info go to /dev/null.
 */
export async function startLatchkey(opts: LatchkeyOptions): Promise<Target> {
  const cli = join(opts.packageDir, 'bin/latchkey.js');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LATCHKEY_DATABASE_URL: opts.databaseUrl,
    // Several workers share one listening port: give them a fixed free one rather than 0.
    LATCHKEY_PORT: opts.workers === undefined ? '0' : String(await freePort()),
    LATCHKEY_HOST: '127.0.0.1',
    LATCHKEY_LOG_LEVEL: 'info',
    LATCHKEY_FRONTEND_RATE_LIMIT: '1000000000',
    LATCHKEY_BACKEND_RATE_LIMIT: '1000000000',
    LATCHKEY_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...(opts.housekeepingInterval !== undefined ? { LATCHKEY_HOUSEKEEPING_INTERVAL: String(opts.housekeepingInterval) } : {}),
  };
  const created = await run(
    process.execPath,
    [cli, 'project', 'create', '--name', 'Bench', '--rp-id', RP_ID, '--origin', ORIGIN, '--token-ttl', String(TOKEN_TTL), '--json'],
    { cwd: opts.packageDir, env },
  );
  const { projectId, apiSecret } = JSON.parse(created.stdout) as { projectId: string; apiSecret: string };
  await opts.beforeServe?.(projectId);
  const serveArgs = [cli, 'serve', '--json', ...(opts.workers !== undefined ? ['--workers', String(opts.workers)] : [])];
  const child = await startChild([process.execPath, ...serveArgs], { cores: opts.cores, env, cwd: opts.packageDir });
  const authorization = `Basic ${Buffer.from(`${projectId}:${apiSecret}`).toString('base64')}`;
  const frontend = { 'x-project-id': projectId, origin: ORIGIN };
  const name = opts.name;
  return {
    name,
    url: child.ready.url as string,
    pid: child.process.pid!,
    projectId,
    secret: apiSecret,
    origin: ORIGIN,
    async register(client, authenticator, identifier) {
      const step = async (path: string, body: unknown, headers: Record<string, string>, status = 200) => {
        const answer = await client.post(path, body, headers);
        if (answer.status !== status) throw new Error(`${name} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return answer.body;
      };
      const token = await step('/v2/connectTokens', { type: 'passkey-append', data: { identifier } }, { authorization }, 201);
      const init = await step('/v2/connect/append/init', { connectToken: token.secret }, frontend);
      const start = await step('/v2/connect/append/start', { processId: init.processId }, frontend);
      const attestationResponse = authenticator.createCredential(start.attestationOptions, { origin: ORIGIN });
      await step('/v2/connect/append/finish', { processId: init.processId, attestationResponse }, frontend);
    },
    stop: () => child.stop(),
    ...(opts.storeProcessMatch ? { storePids: () => pidsWithCmdline(opts.storeProcessMatch!) } : {}),
  };
}

/** Whether this build's `latchkey serve` knows `--workers` (it comes from another branch). */
export async function serveHasWorkers(packageDir: string): Promise<boolean> {
  const help = await run(process.execPath, [join(packageDir, 'bin/latchkey.js'), 'serve', '--help'], { cwd: packageDir });
  return help.stdout.includes('--workers');
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
