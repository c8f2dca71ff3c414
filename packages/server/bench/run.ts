/**
 * `npm run bench`: one run, one Markdown report (stdout and bench/results/latest.md).
 *
 * A real Latchkey server (`startServer`, the code `latchkey serve` runs) in this process on a temp
 * SQLite file, rate limits off, logging at `info` into /dev/null (the production cost of logging
 * without flooding the report). Load comes from autocannon in a worker thread, so the server's event
 * loop is not shared with the load generator. Every number is a median over rounds and is shown
 * next to a ratio to a baseline measured in the same run, because absolute times only describe
 * the machine.
 *
 * Knobs (environment): BENCH_LOGINS (sequential logins timed, default 200), BENCH_ROUNDS (5),
 * BENCH_SECONDS (seconds per duration-bound round, 3), BENCH_TOKENS_PER_ROUND (1000),
 * BENCH_CONNECTIONS (10), BENCH_DATABASE_URL (a `postgres://` URL of an empty database to measure the
 * PostgreSQL store instead of a temp SQLite file), BENCH_POOL_SIZE (PostgreSQL pool size, 10).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon, { type Options, type Result } from 'autocannon';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config/config.js';
import { createProject } from '../src/projects/create-project.js';
import type { Project } from '../src/projects/project.js';
import { startServer } from '../src/server.js';
import { SoftAuthenticator } from '@latchkey/testkit';
import { appendPasskey, expectStatus, login } from '../test/helpers/ceremonies.js';
import { basicAuth, httpRequest, projectClient } from '../test/helpers/http-client.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const knob = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const LOGINS = knob('BENCH_LOGINS', 200);
const ROUNDS = knob('BENCH_ROUNDS', 5);
const SECONDS = knob('BENCH_SECONDS', 3);
const TOKENS_PER_ROUND = knob('BENCH_TOKENS_PER_ROUND', 1000);
const CONNECTIONS = knob('BENCH_CONNECTIONS', 10);
/** Concurrent login lanes that issue the tokens for the success path (one user and authenticator each). */
const LANES = 8;
/**
 * autocannon ends a run on a sample tick, so a run bounded by `amount` (the success path: one
 * request per token) would be rounded up to the next whole second with the default 1000 ms
 * sampling. Those runs sample every 25 ms; per-sample counts are scaled back to per second.
 */
const TOKEN_RUN_SAMPLE_MS = 25;

// ---------- statistics ----------

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const median = (values: number[]) => {
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (value: number) => (value >= 10 ? `${value.toFixed(1)}×` : `${value.toFixed(2)}×`);
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

// ---------- HTTP client for the helpers ----------


// ---------- the run ----------

/** Memory after a full GC when node runs with --expose-gc (the npm script does), so that growth means retained memory. */
const gc = (globalThis as { gc?: () => void }).gc;
function memory(): NodeJS.MemoryUsage {
  gc?.();
  return process.memoryUsage();
}
const rssAtStart = memory();
const startedAt = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const config: Config = {
  ...loadConfig({}),
  databaseUrl: process.env.BENCH_DATABASE_URL || `file:${join(dir, 'bench.sqlite')}`,
  databasePoolSize: Number(process.env.BENCH_POOL_SIZE || 10),
  port: 0,
  frontendRateLimit: 0,
  backendRateLimit: 0,
  housekeepingInterval: 0,
};
const server = await startServer(config, { logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })) });
const progress = (message: string) => process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

try {
  // The longest token lifetime, so that tokens issued first are still fresh in the last round.
  const { project, apiSecret } = await createProject(server.ctx, { name: 'Bench', rpId: 'localhost', origins: ['http://localhost:3000'], tokenTtl: 600 });
  const p = projectClient(server.url, project, apiSecret.secret);
  const authorization = basicAuth(project.id, apiSecret.secret);

  const lanes = await Promise.all(
    Array.from({ length: LANES }, async (_, i) => {
      const authenticator = new SoftAuthenticator();
      const identifier = `bench-${i}@example.com`;
      expectStatus(await appendPasskey(p, authenticator, identifier), 200);
      return { authenticator, identifier };
    }),
  );
  const [lane0] = lanes;

  async function timedLogin(lane: { authenticator: SoftAuthenticator; identifier: string }): Promise<{ ms: number; token: string }> {
    const t0 = performance.now();
    const answer = await login(p, lane.authenticator, lane.identifier);
    const elapsed = performance.now() - t0;
    expectStatus(answer, 200);
    return { ms: elapsed, token: answer.body.signedPasskeyData as string };
  }

  async function timedGet(path: string): Promise<number> {
    const t0 = performance.now();
    const response = await fetch(`${server.url}${path}`);
    await response.arrayBuffer();
    const elapsed = performance.now() - t0;
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    return elapsed;
  }

  // --- sequential: one request / one ceremony at a time ---
  progress(`warming up, then ${LOGINS} sequential logins`);
  for (let i = 0; i < 20; i++) {
    await timedLogin(lane0!);
    await timedGet('/healthz');
  }
  const healthzSequential: number[] = [];
  for (let i = 0; i < LOGINS; i++) healthzSequential.push(await timedGet('/healthz'));
  const loginSequential: number[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const { ms: elapsed, token } = await timedLogin(lane0!);
    loginSequential.push(elapsed);
    tokens.push(token);
  }

  // --- tokens for the success path, issued by concurrent logins (timed too) ---
  const wanted = TOKENS_PER_ROUND * ROUNDS;
  progress(`issuing ${wanted} tokens with ${LANES} concurrent login lanes`);
  const issueStart = performance.now();
  await Promise.all(
    lanes.map(async (lane) => {
      while (tokens.length < wanted) tokens.push((await timedLogin(lane)).token);
    }),
  );
  const issueSeconds = (performance.now() - issueStart) / 1000;
  const issuedConcurrently = tokens.length - LOGINS;
  const rssAfterSetup = memory();

  const alreadyUsedToken = tokens.pop()!;
  const spent = await httpRequest(server.url, 'POST', '/v2/passkey/verifySignedData', { body: { signedPasskeyData: alreadyUsedToken }, headers: { authorization } });
  if (spent.body.verificationResult !== 'success') throw new Error(`first verification of a fresh token: ${JSON.stringify(spent.body)}`);
  const invalidToken = `${alreadyUsedToken.slice(0, -8)}AAAAAAAA`; // a well-formed JWS with a broken signature

  // --- under load ---
  async function verificationCounts(): Promise<Record<string, number>> {
    const text = (await httpRequest<string>(server.url, 'GET', '/metrics')).body;
    const counts: Record<string, number> = {};
    for (const match of text.matchAll(/^latchkey_signed_data_verifications_total\{result="(\w+)"\} (\d+)/gm)) counts[match[1]!] = Number(match[2]);
    return counts;
  }

  /**
   * autocannon stops at the end of a round while up to CONNECTIONS requests are still being
   * answered (on PostgreSQL they take longer to finish): wait until the counters stop moving, so
   * that a round's stragglers are not counted in the next round.
   */
  async function settledVerificationCounts(): Promise<Record<string, number>> {
    let last = await verificationCounts();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await verificationCounts();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
  }

  async function cannon(name: string, options: Partial<Options> & { path: string }, expected?: { result: string; count?: number }): Promise<Result> {
    const { path, ...rest } = options;
    const before = expected ? await verificationCounts() : {};
    const result = await autocannon({ url: `${server.url}${path}`, connections: CONNECTIONS, workers: 1, timeout: 10, sampleInt: 1000, ...rest });
    if (result.errors || result.timeouts || result.non2xx) {
      throw new Error(`${name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)})`);
    }
    if (expected) {
      const after = await settledVerificationCounts();
      const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
      const got = delta(expected.result);
      const total = Object.keys(after).reduce((sum, key) => sum + delta(key), 0);
      // Every answer must be the expected result (the success path may overshoot by a request or two: alreadyUsed).
      if (expected.count !== undefined ? got !== expected.count || total - got > CONNECTIONS : got !== total) {
        throw new Error(`${name}: expected ${expected.count ?? 'all'} × ${expected.result}, the server counted ${JSON.stringify(Object.fromEntries(Object.keys(after).map((k) => [k, delta(k)])))}`);
      }
    }
    return result;
  }

  const verifyRequest = (signedPasskeyData: string): Partial<Options> => ({
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ signedPasskeyData }),
  });

  const scenarios = {
    healthz: { label: 'GET /healthz', runs: [] as Result[] },
    success: { label: 'verifySignedData → success (a fresh token each)', runs: [] as Result[] },
    alreadyUsed: { label: 'verifySignedData → alreadyUsed (one spent token)', runs: [] as Result[] },
    invalid: { label: 'verifySignedData → invalidSignature (bad signature)', runs: [] as Result[] },
  };

  progress('warming up the load generator');
  await cannon('warm-up healthz', { path: '/healthz', duration: 1 });
  await cannon('warm-up invalid', { path: '/v2/passkey/verifySignedData', duration: 1, ...verifyRequest(invalidToken) }, { result: 'invalidSignature' });

  const tokenFile = join(dir, 'tokens.json');
  for (let round = 0; round < ROUNDS; round++) {
    progress(`round ${round + 1}/${ROUNDS}`);
    scenarios.healthz.runs.push(await cannon('healthz', { path: '/healthz', duration: SECONDS }));
    scenarios.invalid.runs.push(await cannon('invalidSignature', { path: '/v2/passkey/verifySignedData', duration: SECONDS, ...verifyRequest(invalidToken) }, { result: 'invalidSignature' }));
    scenarios.alreadyUsed.runs.push(await cannon('alreadyUsed', { path: '/v2/passkey/verifySignedData', duration: SECONDS, ...verifyRequest(alreadyUsedToken) }, { result: 'alreadyUsed' }));
    const chunk = tokens.slice(round * TOKENS_PER_ROUND, (round + 1) * TOKENS_PER_ROUND);
    writeFileSync(tokenFile, JSON.stringify(chunk));
    process.env.LATCHKEY_BENCH_TOKENS = tokenFile; // read by next-token.cjs in autocannon's worker
    scenarios.success.runs.push(
      await cannon(
        'success',
        {
          path: '/v2/passkey/verifySignedData',
          amount: chunk.length,
          sampleInt: TOKEN_RUN_SAMPLE_MS,
          ...verifyRequest('set by next-token.cjs'),
          requests: [{ setupRequest: join(HERE, 'next-token.cjs') }],
        },
        { result: 'success', count: chunk.length },
      ),
    );
  }
  const rssAfterLoad = memory();

  // ---------- report ----------
  const reqPerSecond = (r: Result) => r.requests.total / ((r.finish.getTime() - r.start.getTime()) / 1000);
  /** autocannon's per-sample request counts, as per second. */
  const perSecond = (r: Result, value: number) => (value * 1000) / (r.sampleInt ?? 1000);
  const summary = Object.fromEntries(
    Object.entries(scenarios).map(([key, s]) => {
      const rates = s.runs.map(reqPerSecond);
      return [
        key,
        {
          label: s.label,
          perRound: median(s.runs.map((r) => r.requests.total)),
          rate: median(rates),
          spread: `${int(Math.min(...rates))}–${int(Math.max(...rates))}`,
          p50Samples: median(s.runs.map((r) => perSecond(r, r.requests.p50))),
          average: median(s.runs.map((r) => perSecond(r, r.requests.average))),
          latencyP50: median(s.runs.map((r) => r.latency.p50)),
          latencyP99: median(s.runs.map((r) => r.latency.p99)),
        },
      ];
    }),
  ) as Record<keyof typeof scenarios, { label: string; perRound: number; rate: number; spread: string; p50Samples: number; average: number; latencyP50: number; latencyP99: number }>;

  const healthzMedian = median(healthzSequential);
  const loginMedian = median(loginSequential);
  const base = summary.healthz.rate;
  const cpu = cpus();
  const lines = [
    '# Latchkey benchmark',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${platform()} · ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} · ${config.databaseUrl.startsWith('file:') ? 'SQLite file store' : `PostgreSQL store (${server.ctx.store.describe.replace(/^postgres /, '')}, pool ${config.databasePoolSize})`} · ` +
      `server in-process (\`startServer\`, log level info → /dev/null, rate limits off) · load: autocannon in a worker thread, ${CONNECTIONS} connections`,
    '',
    '## One at a time',
    '',
    '| what | n | median ms | p95 ms | median ÷ GET /healthz median |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| GET /healthz round trip | ${healthzSequential.length} | ${ms(healthzMedian)} | ${ms(percentile(healthzSequential, 95))} | 1.00× |`,
    `| login ceremony: init → start → software-authenticator assertion → finish | ${loginSequential.length} | ${ms(loginMedian)} | ${ms(percentile(loginSequential, 95))} | ${ratio(loginMedian / healthzMedian)} |`,
    '',
    `Concurrent logins (${LANES} lanes, issuing the success-path tokens): ${int(issuedConcurrently / issueSeconds)} logins/s = ${ratio(issuedConcurrently / issueSeconds / (1000 / loginMedian))} the sequential rate.`,
    '',
    `## Under load: medians of ${ROUNDS} rounds`,
    '',
    '| route | requests per round | req/s (total ÷ elapsed) | rounds min–max | ÷ /healthz req/s | autocannon requests.p50 / average (req/s) | mean latency ms (connections ÷ req/s) | latency p50 / p99 ms (autocannon, 1 ms steps) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...(['healthz', 'success', 'alreadyUsed', 'invalid'] as const).map((key) => {
      const s = summary[key];
      return `| ${s.label} | ${int(s.perRound)} | ${int(s.rate)} | ${s.spread} | ${ratio(s.rate / base)} | ${int(s.p50Samples)} / ${int(s.average)} | ${ms((CONNECTIONS / s.rate) * 1000)} | ${s.latencyP50} / ${s.latencyP99} |`;
    }),
    '',
    `- success ÷ alreadyUsed req/s: **${ratio(summary.success.rate / summary.alreadyUsed.rate)}**; success ÷ invalidSignature: ${ratio(summary.success.rate / summary.invalid.rate)}; ` +
      `mean latency success ÷ alreadyUsed: ${ratio(summary.alreadyUsed.rate / summary.success.rate)}.`,
    `- Duration-bound rounds last ${SECONDS} s. A success round is bounded by its ${int(TOKENS_PER_ROUND)} tokens (about ${(TOKENS_PER_ROUND / summary.success.rate).toFixed(2)} s); ` +
      `it is sampled every ${TOKEN_RUN_SAMPLE_MS} ms so that its end is not rounded up to a whole second, and its autocannon sample columns are those ${TOKEN_RUN_SAMPLE_MS} ms counts scaled to per second.`,
    `- Every answer was checked against the server's own counters (latchkey_signed_data_verifications_total): each success round got exactly one \`success\` per token.`,
    '',
    `## Memory (this whole process, ${gc ? 'each after a full GC' : 'without a forced GC: run node with --expose-gc to force one'}; autocannon’s worker only exists while a round runs)`,
    '',
    '| point | RSS MB | heap used MB |',
    '| --- | ---: | ---: |',
    `| start (modules loaded, server not started) | ${mb(rssAtStart.rss)} | ${mb(rssAtStart.heapUsed)} |`,
    `| after set-up and ${int(tokens.length + 1)} logins | ${mb(rssAfterSetup.rss)} | ${mb(rssAfterSetup.heapUsed)} |`,
    `| after the load (${int(Object.values(scenarios).reduce((sum, s) => sum + s.runs.reduce((n, r) => n + r.requests.total, 0), 0))} requests) | ${mb(rssAfterLoad.rss)} | ${mb(rssAfterLoad.heapUsed)} |`,
    `| after ÷ after set-up | ${ratio(rssAfterLoad.rss / rssAfterSetup.rss)} | ${ratio(rssAfterLoad.heapUsed / rssAfterSetup.heapUsed)} |`,
    '',
    `Whole run: ${((performance.now() - startedAt) / 1000).toFixed(0)} s.`,
    '',
  ];
  const report = lines.join('\n');
  process.stdout.write(report);
  const results = join(HERE, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'latest.md'), report);
  progress(`written to ${join(results, 'latest.md')}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
