import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * The real `latchkey` command in child processes, as an operator runs it: one-shot commands and
 * `latchkey serve`. Used by the CLI suite and by the suites that run several server processes.
 */

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(PACKAGE, 'bin', 'latchkey.js');
export const ENTRY = join(PACKAGE, 'dist', 'cli', 'main.js');

const children = new Set<ChildProcess>();

/** Kills every child process still running (a suite's afterAll, so a failed test leaves none behind). */
export function killAllCliProcesses(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** The parent's environment without any LATCHKEY_* (or loader) setting, plus `extra` (undefined removes); `serve` runs one process unless `extra` says otherwise. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('LATCHKEY_') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  env.LATCHKEY_LOG_LEVEL = 'warn';
  // One process, as before `serve --workers` existed: the suites about several processes ask for them.
  env.LATCHKEY_WORKERS = '1';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface RunOptions {
  /** LATCHKEY_DATABASE_URL. */
  db: string;
  env?: Record<string, string | undefined>;
  /** Working directory (a directory without a .env, unless the test is about one). */
  cwd: string;
  /** runCli kills a command still running after this long (default 20 s). */
  timeoutMs?: number;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * On PostgreSQL an operator must give every instance and the CLI one key-encryption key (there is
 * no file beside the database to create one in); the tests do as an operator does.
 */
export const TEST_POSTGRES_KEK = Buffer.alloc(32, 7).toString('base64');

export function startCli(args: string[], options: RunOptions): ChildProcess {
  const kek = options.db.startsWith('postgres') ? { LATCHKEY_KEY_ENCRYPTION_KEY: TEST_POSTGRES_KEK } : {};
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: childEnv({ LATCHKEY_DATABASE_URL: options.db, ...kek, ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs one CLI command to its end (killed after 20 s, or `timeoutMs`, so that a command that never returns fails instead of hanging). */
export function runCli(args: string[], options: RunOptions): Promise<Run> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** A successful `--json` command: exit 0, exactly one JSON object (one line) on stdout, nothing on stderr. */
export async function runCliJson<T = any>(args: string[], options: RunOptions): Promise<T> {
  const run = await runCli([...args, '--json'], options);
  if (run.code !== 0) throw new Error(`latchkey ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  expect(run.stderr).toBe('');
  expect(run.stdout.endsWith('\n')).toBe(true);
  expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
  const value = JSON.parse(run.stdout) as unknown;
  expect(value).toBeTypeOf('object');
  expect(Array.isArray(value)).toBe(false);
  return value as T;
}

/** A refused command: non-zero exit, nothing on stdout, the reason on stderr. */
export async function runCliFails(args: string[], options: RunOptions): Promise<string> {
  const run = await runCli(args, options);
  expect(run.code, `latchkey ${args.join(' ')} should fail; stdout: ${run.stdout}`).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^latchkey: /);
  return run.stderr;
}

export interface Served {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `latchkey serve` on a free port; resolves once it prints where it listens and (unless `probe` is
 * false) answers GET /healthz.
 */
export function serveCli(args: string[], options: RunOptions, probe = true, startTimeoutMs = 20_000): Promise<Served> {
  const child = startCli(['serve', ...args], { ...options, env: { LATCHKEY_PORT: '0', ...options.env } });
  let stdout = '';
  let stderr = '';
  let listening = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('close', (code, signal) => resolveExit({ code, signal })),
  );
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`latchkey serve did not start within ${startTimeoutMs / 1000} s; stdout: ${stdout} stderr: ${stderr}`));
    }, startTimeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /Latchkey is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1] && !listening) {
        listening = true;
        const url = match[1];
        clearTimeout(timer);
        const served: Served = {
          child,
          url,
          stdout: () => stdout,
          stderr: () => stderr,
          exited,
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        };
        if (!probe) return resolvePromise(served);
        // Ready = it answers GET /healthz.
        fetch(`${url}/healthz`)
          .then(async (response) => {
            await response.arrayBuffer();
            if (!response.ok) throw new Error(`GET /healthz answered ${response.status}`);
            resolvePromise(served);
          })
          .catch(reject);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`latchkey serve exited (${code ?? signal}) before listening; stdout: ${stdout} stderr: ${stderr}`));
    });
  });
}

/**
 * A start refused as an operator should see it: the exit code, exactly one line on stderr that
 * starts with "latchkey: " and matches `message`, nothing on stdout, no stack trace.
 */
export function expectRefusal(run: Run, exitCode: number, message: RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(/^latchkey: /);
  expect(run.stderr).not.toMatch(/\n\s+at |unexpected error/);
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(exitCode);
}
