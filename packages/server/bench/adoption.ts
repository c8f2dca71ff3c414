/**
 * `npm run bench:adoption`: the adoption engine's two costs that grow with traffic.
 *
 * 1. Client-event ingest: autocannon POSTs batches to /v2/connect/events on a real server
 *    (`startServer`, rate limits off) for BENCH_SECONDS per round, BENCH_ROUNDS rounds, with
 *    batches of 1 and of 20 events. autocannon runs in this process, so it shares the event loop
 *    with the server: the rates are lower bounds.
 * 2. The report over BENCH_ADOPTION_EVENTS raw events (default 1 000 000) spread over the last 365
 *    days, pre-filled in bulk (multi-row INSERTs straight into the store): the funnel (what
 *    `latchkey report` and GET /v2/analytics/funnel run) before the roll-up (every row raw, the worst
 *    case), the housekeeping roll-up itself, and the funnel after it (aggregates + today's rows).
 *
 * SQLite on a temp file by default; BENCH_DATABASE_URL=postgres://… (an empty database) measures
 * PostgreSQL. Prints one Markdown report on stdout (and bench/results/adoption-<store>.md).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pino from 'pino';
import { funnel } from '../src/adoption/analytics/funnel.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { rollUpAdoption } from '../src/housekeeping/roll-up-adoption.js';
import { createProject } from '../src/projects/create-project.js';
import { startServer } from '../src/server.js';
import type { NewAdoptionEvent } from '../src/store/schema.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const knob = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const EVENTS = knob('BENCH_ADOPTION_EVENTS', 1_000_000);
const ROUNDS = knob('BENCH_ROUNDS', 3);
const SECONDS = knob('BENCH_SECONDS', 3);
const CONNECTIONS = knob('BENCH_CONNECTIONS', 10);
const REPORTS = 5;
const DAY = 86_400;

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

const startedAt = performance.now();
const progress = (message: string) => process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-adoption-'));
const postgres = Boolean(process.env.BENCH_DATABASE_URL);
const config: Config = {
  ...loadConfig({}),
  databaseUrl: process.env.BENCH_DATABASE_URL || `file:${join(dir, 'bench.sqlite')}`,
  port: 0,
  frontendRateLimit: 0,
  backendRateLimit: 0,
  housekeepingInterval: 0,
  // A report over a million raw rows (no roll-up yet) takes longer than the default 5 s budget.
  databaseTimeout: 120_000,
};
const server = await startServer(config, { logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })) });

try {
  const { project } = await createProject(server.ctx, { name: 'Bench', rpId: 'localhost', origins: ['http://localhost:3000'] });
  const headers = { 'content-type': 'application/json', 'x-project-id': project.id, origin: 'http://localhost:3000' };
  const event = (i: number) => ({ type: i % 3 === 0 ? 'offer-shown' : i % 3 === 1 ? 'fallback' : 'error', reason: 'NotAllowedError', osFamily: 'android', browserFamily: 'chrome', deviceId: 'bench-device-0001' });

  // --- 1. ingest ---
  const ingest: Array<{ batch: number; requests: number; events: number; p99: number }> = [];
  for (const batch of [1, 20]) {
    const body = JSON.stringify({ events: Array.from({ length: batch }, (_, i) => event(i)) });
    const rates: number[] = [];
    const p99s: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      progress(`ingest, batches of ${batch}: round ${round + 1} of ${ROUNDS}`);
      const result = await autocannon({ url: `${server.url}/v2/connect/events`, method: 'POST', headers, body, connections: CONNECTIONS, duration: SECONDS });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`ingest: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      rates.push(result.requests.average);
      p99s.push(result.latency.p99);
    }
    ingest.push({ batch, requests: median(rates), events: median(rates) * batch, p99: median(p99s) });
  }

  // --- 2. pre-fill EVENTS raw events over the last 365 days, in bulk ---
  const now = Math.floor(Date.now() / 1000);
  const today = Math.floor(now / DAY);
  const types = ['offer-shown', 'offer-declined', 'fallback', 'error', 'password-login', 'login-completed', 'append-started', 'append-completed'];
  const families = ['android', 'ios', 'macos', 'windows', 'linux', 'unknown'];
  // 15 columns a row: 2000 rows stay under PostgreSQL's 65 535 parameters.
  const chunk = 2000;
  const t0 = performance.now();
  for (let done = 0; done < EVENTS; done += chunk) {
    const rows: NewAdoptionEvent[] = [];
    for (let i = done; i < Math.min(EVENTS, done + chunk); i++) {
      const type = types[i % types.length]!;
      const day = today - 364 + (i % 365);
      rows.push({
        project_id: project.id,
        day,
        source: type.startsWith('append') || type === 'login-completed' ? 'server' : 'client',
        type,
        method: type === 'login-completed' ? ['identifier', 'conditional-ui', 'one-tap'][i % 3]! : type === 'password-login' ? 'password' : '',
        reason: type === 'fallback' || type === 'error' ? `reason-${i % 7}` : '',
        result: '',
        os_family: families[i % families.length]!,
        browser_family: 'chrome',
        device_id: `bench-device-${i % 5000}`,
        process_id: null,
        user_id: null,
        identifier_hash: null,
        created_at: day * DAY + (i % DAY),
      });
    }
    await server.ctx.store.db.insertInto('adoption_events').values(rows).execute();
    if (done % 100_000 === 0) progress(`pre-fill: ${int(done)} of ${int(EVENTS)} events`);
  }
  const prefillMs = performance.now() - t0;

  const range = { fromDay: today - 364, toDay: today };
  async function timedReports(groupBy: 'day' | 'platform', times_ = REPORTS): Promise<{ ms: number; rows: number }> {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < times_; i++) {
      const t = performance.now();
      rows = (await funnel(server.ctx, project.id, { ...range, groupBy })).rows.length;
      times.push(performance.now() - t);
    }
    return { ms: median(times), rows };
  }
  progress('reports over raw events');
  // The worst case, once each: it is what a report costs before housekeeping ever ran.
  const rawByDay = await timedReports('day', 1);
  const rawByPlatform = await timedReports('platform', 1);
  progress('roll-up');
  const t1 = performance.now();
  const rolled = await rollUpAdoption(server.ctx, { retentionDays: 3650 });
  const rollUpMs = performance.now() - t1;
  progress('reports over aggregates');
  const aggByDay = await timedReports('day');
  const aggByPlatform = await timedReports('platform');

  const store = postgres ? 'PostgreSQL' : 'SQLite';
  const report = [
    `# Adoption benchmark (${store})`,
    '',
    `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections; medians.`,
    '',
    '## Client-event ingest (POST /v2/connect/events)',
    '',
    '| batch | requests/s | events/s | p99 latency |',
    '| ---: | ---: | ---: | ---: |',
    ...ingest.map((r) => `| ${r.batch} | ${int(r.requests)} | ${int(r.events)} | ${r.p99} ms |`),
    '',
    `## Report over ${int(EVENTS)} events (365 days)`,
    '',
    `Pre-fill (bulk INSERT, 2 000 rows a statement): ${ms(prefillMs / 1000)} s.`,
    '',
    '| | by day (365 rows) | by platform |',
    '| --- | ---: | ---: |',
    `| all raw (no roll-up yet; one run) | ${ms(rawByDay.ms)} ms | ${ms(rawByPlatform.ms)} ms |`,
    `| after the roll-up (aggregates + today; median of ${REPORTS}) | ${ms(aggByDay.ms)} ms | ${ms(aggByPlatform.ms)} ms |`,
    '',
    `Housekeeping roll-up of ${rolled.rolledDays} finished days: ${ms(rollUpMs / 1000)} s (once; later runs roll up one day each).`,
    '',
  ].join('\n');
  process.stdout.write(report);
  mkdirSync(join(HERE, 'results'), { recursive: true });
  writeFileSync(join(HERE, 'results', `adoption-${postgres ? 'postgres' : 'sqlite'}.md`), report);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
