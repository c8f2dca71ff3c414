/**
 * `npm run bench:console`: the operator console's first pages over a big project.
 *
 * A real server (`startServer`; SQLite on a temp file, or with BENCH_STORE=postgres a PostgreSQL
 * database the bench creates on BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
 * and drops at the end, or BENCH_DATABASE_URL=postgres://… for an empty database of your own) with
 * one project of BENCH_CONSOLE_USERS users (default 100 000) and BENCH_CONSOLE_EVENTS events
 * (default 1 000 000) over the last 30 days, and the latency samples of BENCH_CONSOLE_INSTANCES
 * instances over BENCH_CONSOLE_SAMPLE_DAYS days, pre-filled in bulk. An
 * administrator's session is made directly in the store; then each console API page is fetched
 * over HTTP, once to warm up and BENCH_ROUNDS times measured; the median and the slowest are
 * reported. The target (issue 14): every first page under 1 s on this machine.
 * Prints one Markdown report on stdout (and bench/results/console-<store>.md).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config/config.js';
import { createSession } from '../src/console/sessions.js';
import { createProject } from '../src/projects/create-project.js';
import { startServer } from '../src/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const knob = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const USERS = knob('BENCH_CONSOLE_USERS', 100_000);
const EVENTS = knob('BENCH_CONSOLE_EVENTS', 1_000_000);
const ROUNDS = knob('BENCH_ROUNDS', 5);
const DAY = 86_400;

const startedAt = performance.now();
const progress = (message: string) => process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-console-'));
if (process.env.BENCH_STORE && !['sqlite', 'postgres'].includes(process.env.BENCH_STORE)) throw new Error('BENCH_STORE must be sqlite or postgres');
const ownDatabase = process.env.BENCH_STORE === 'postgres' && !process.env.BENCH_DATABASE_URL ? await createBenchDatabase() : undefined;
const databaseUrl = ownDatabase?.url ?? process.env.BENCH_DATABASE_URL;
const postgres = Boolean(databaseUrl);
const config: Config = {
  ...loadConfig({}),
  databaseUrl: databaseUrl || `file:${join(dir, 'bench.sqlite')}`,
  port: 0,
  frontendRateLimit: 0,
  backendRateLimit: 0,
  housekeepingInterval: 0,
  databaseTimeout: 120_000,
};
const server = await startServer(config, { logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })) });

try {
  const { ctx } = server;
  const { project } = await createProject(ctx, { name: 'Bench', rpId: 'localhost', origins: ['http://localhost:3000'] });
  const now = Math.floor(Date.now() / 1000);

  progress(`filling ${USERS} users`);
  const userId = (i: number) => `usr-${String(i).padStart(19, "0")}`;
  for (let done = 0; done < USERS; done += 2000) {
    const rows = [];
    for (let i = done; i < Math.min(USERS, done + 2000); i++) {
      rows.push({ id: userId(i), project_id: project.id, identifier: `user${i}@example.com`, display_name: `User ${i}`, webauthn_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, created_at: now - (USERS - i) });
    }
    await ctx.store.db.insertInto('users').values(rows).execute();
  }

  progress(`filling ${EVENTS} events over 30 days`);
  const types = ['login-succeeded', 'login-succeeded', 'login-succeeded', 'token-verified', 'token-verified', 'passkey-appended', 'login-failed', 'token-refused'];
  for (let done = 0; done < EVENTS; done += 4000) {
    const rows = [];
    for (let i = done; i < Math.min(EVENTS, done + 4000); i++) {
      const type = types[i % types.length]!;
      const detail = type === 'login-failed' ? { reason: 'unknown_credential' } : type === 'token-refused' ? { result: 'expired' } : { isCUI: i % 2 === 0 };
      rows.push({ project_id: project.id, user_id: userId(i % USERS), type, credential_id: null, process_id: null, detail: JSON.stringify(detail), created_at: now - 30 * DAY + Math.floor((i / EVENTS) * 30 * DAY) });
    }
    await ctx.store.db.insertInto('passkey_events').values(rows).execute();
  }

  // The latency chart's samples: BENCH_CONSOLE_INSTANCES instances (default 4) writing a row per
  // route family every minute for the last BENCH_CONSOLE_SAMPLE_DAYS days (default 7, the longest
  // window the chart reads): the worst case, every family busy every minute.
  const instances = knob('BENCH_CONSOLE_INSTANCES', 4);
  const sampleDays = knob('BENCH_CONSOLE_SAMPLE_DAYS', 7);
  progress(`filling ${sampleDays} days of latency samples from ${instances} instances`);
  const families = ['login', 'append', 'verify', 'connectTokens', 'backend', 'console'];
  const firstMinute = Math.floor(now / 60) * 60 - sampleDays * DAY;
  let samples = [];
  for (let minute = firstMinute; minute < now; minute += 60) {
    for (let instance = 0; instance < instances; instance++) {
      for (const family of families) {
        const base = 20 + ((minute / 60 + instance) % 7);
        const buckets = { [base]: 40, [base + 1]: 30, [base + 2]: 15, [base + 4]: 5, [base + 12]: 1 };
        samples.push({ id: `lat-${minute}-${instance}-${family}`, instance_id: `ins-bench-${instance}`, family, minute, count: 91, p50_ms: 1.2, p99_ms: 9.5, buckets: JSON.stringify(buckets) });
        if (samples.length === 2000) {
          await ctx.store.db.insertInto('latency_samples').values(samples).execute();
          samples = [];
        }
      }
    }
  }
  if (samples.length > 0) await ctx.store.db.insertInto('latency_samples').values(samples).execute();

  // PostgreSQL plans from statistics; autovacuum gathers them for a table that grew this much, but
  // only after a while. A console in use reads a table that autovacuum analysed long ago: so does
  // the bench (BENCH_ANALYZE=0 measures the freshly filled table without statistics).
  if (postgres && process.env.BENCH_ANALYZE !== '0') {
    progress('analyze');
    await sql`analyze`.execute(ctx.store.db);
  }

  // An administrator, signed in (the passkey ceremony is not what is measured here).
  await ctx.store.db.insertInto('console_admins').values({ id: 'adm-bench', email: 'bench@example.com', role: 'owner', user_id: null, created_at: now, last_login_at: null }).execute();
  const { cookieValue } = await createSession(ctx, 'adm-bench');
  const headers = { cookie: `latchkey_console=${cookieValue}` };

  const pages: Array<[string, string]> = [
    ['the page (/console/)', '/console/'],
    ['projects', '/console/api/projects'],
    ['users, first page', `/console/api/projects/${project.id}/users`],
    ['users, page 1000 (cursor)', `/console/api/projects/${project.id}/users?cursor=${userId(50_000 % USERS)}`],
    ['users, by identifier', `/console/api/projects/${project.id}/users?identifier=user77777%40example.com`],
    ['events, first page', `/console/api/projects/${project.id}/events`],
    ['events, by type (login-failed)', `/console/api/projects/${project.id}/events?type=login-failed`],
    ['events, by user', `/console/api/projects/${project.id}/events?user=${userId(4242)}`],
    ['events, one day', `/console/api/projects/${project.id}/events?from=${now - 10 * DAY}&to=${now - 9 * DAY}`],
    ['charts, 30 days', `/console/api/projects/${project.id}/charts?days=30`],
    ['latency, 24 hours', '/console/api/latency?hours=24'],
    ['latency, 2 days (the longest window)', '/console/api/latency?hours=48'],
    ['health (with instance count)', '/console/api/health'],
  ];
  const results: Array<{ name: string; median: number; max: number }> = [];
  for (const [name, path] of pages) {
    progress(name);
    const times: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const t0 = performance.now();
      const response = await fetch(`${server.url}${path}`, { headers });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      if (round > 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    results.push({ name, median: times[Math.floor(times.length / 2)]!, max: times.at(-1)! });
  }

  const store = postgres ? 'postgres' : 'sqlite';
  const report = [
    `# Console first pages (${store})`,
    '',
    `${USERS.toLocaleString('en-US')} users, ${EVENTS.toLocaleString('en-US')} events in one project, ${instances} instances' latency samples over ${sampleDays} days${postgres ? (process.env.BENCH_ANALYZE === '0' ? ' (not analysed)' : ' (analysed)') : ''}; ${cpus().length} CPU(s), Node ${process.version}; ${ROUNDS} measured rounds after one warm-up, over HTTP on localhost. Target: under 1000 ms each.`,
    '',
    '| Page | Median (ms) | Slowest (ms) |',
    '| --- | ---: | ---: |',
    ...results.map((r) => `| ${r.name} | ${r.median.toFixed(1)} | ${r.max.toFixed(1)} |`),
    '',
  ].join('\n');
  mkdirSync(join(HERE, 'results'), { recursive: true });
  writeFileSync(join(HERE, 'results', `console-${store}.md`), report);
  process.stdout.write(report);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  await ownDatabase?.drop();
}

/** A database of its own for BENCH_STORE=postgres, created empty on the server of BENCH_POSTGRES_URL. */
async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new URL(process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test');
  const name = `latchkey_bench_console_${process.pid}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin.href });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(admin.href);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => run(`drop database if exists ${name} with (force)`) };
}
