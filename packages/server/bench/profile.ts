/**
 * `npm run bench:profile`: where a Latchkey server spends its CPU, per login and per verification.
 *
 * Starts a real server (bench/profile-server.ts: `startServer`, a temp SQLite file, rate limits on at
 * a budget the load never reaches, log level info into /dev/null) in a child process, and drives two
 * loads at it from this process: logins (init → start → software-authenticator assertion → finish,
 * LANES concurrent ceremonies) and then verifySignedData (a fresh token each, LANES concurrent).
 * Each load runs twice: once plain, to measure the server's CPU milliseconds per operation
 * (process.cpuUsage of the server, reported over IPC: robust to a busy machine, unlike wall time),
 * and once under node's sampling profiler, whose .cpuprofile is written to bench/results/ and
 * summarised here: self time by category, by module and by function.
 *
 * Knobs (environment): BENCH_PROFILE_OPS (operations per pass, default 1000), BENCH_PROFILE_WARM
 * (logins and verifications before the first pass, default 3000), BENCH_DATABASE_URL (a
 * `postgres://` URL of a database of its own, to profile the PostgreSQL store), BENCH_POOL_SIZE
 * (PostgreSQL pool size, default 10), BENCH_PROFILE_TOP (rows per table, default 12).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { isolateMainThread, pinSelf, threadCpuMs } from './lib/proc.js';
import { loginLanes } from './login-lanes.js';
import { forkProfileServer, knob } from './profile-child.js';
import { summarise, type CpuProfile, type ProfileSummary } from './profile-report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OPS = knob('BENCH_PROFILE_OPS', 1000);
/** Logins (each verified) before anything is measured: V8 compiles Latchkey's hot code for tens of seconds. */
const WARM = knob('BENCH_PROFILE_WARM', 3000);
const TOP = knob('BENCH_PROFILE_TOP', 12);
const LANES = 8;

// ---------- the server process ----------

const server = forkProfileServer([]);
const child = server.process;
const { ready, ask } = server;
const serverCpu = async () => (await ask('cpu')).cpuMicros!;

const progress = (message: string) => process.stderr.write(`[bench:profile] ${message}\n`);

// ---------- loads ----------

const { url, project, secret, store } = await ready;
progress(`server on ${url}, ${store}`);
const { logins, verifications } = await loginLanes(url, project, secret, LANES, 'profile');

interface Pass {
  cpuMsPerOp: number;
  /** The server's main thread (the event loop: everything the profile samples), ms per op. */
  mainMsPerOp: number;
  profile?: CpuProfile;
}

async function pass(work: () => Promise<unknown>, ops: number, profiled: boolean): Promise<Pass> {
  if (profiled) await ask('profile-start');
  const before = await serverCpu();
  const threadsBefore = threadCpuMs(child.pid!);
  await work();
  const after = await serverCpu();
  const threadsAfter = threadCpuMs(child.pid!);
  const profile = profiled ? ((await ask('profile-stop')).profile as CpuProfile) : undefined;
  return { cpuMsPerOp: (after - before) / 1000 / ops, mainMsPerOp: (threadsAfter.main - threadsBefore.main) / ops, ...(profile ? { profile } : {}) };
}

progress(`warming up: ${WARM} logins and verifications`);
for (let done = 0; done < WARM; done += 500) await verifications(await logins(Math.min(500, WARM - done)));

// The server's main thread gets core 0 to itself; its other threads (libuv's pool doing the
// crypto jobs, V8's, the checkpoint thread) and this load generator share core 1. Otherwise a
// sample of the main thread counts the time another thread held its core as the main thread's.
const isolated = availableParallelism() >= 2 && pinSelf('1') && isolateMainThread(child.pid!, '0', '1');
progress(isolated ? 'server main thread alone on core 0; its other threads and the load on core 1' : 'not pinned (no taskset or one core): samples may include time other threads held the core');

progress(`${OPS} logins, measured`);
let tokens: string[] = [];
const loginPlain = await pass(async () => (tokens = await logins(OPS)), OPS, false);
progress(`${OPS} logins, profiled`);
let more: string[] = [];
const loginProfiled = await pass(async () => (more = await logins(OPS)), OPS, true);
progress(`${OPS} verifications, measured`);
const verifyPlain = await pass(() => verifications(tokens), OPS, false);
progress(`${OPS} verifications, profiled`);
const verifyProfiled = await pass(() => verifications(more), OPS, true);
await ask('close');

// ---------- report ----------

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;
const results = join(HERE, 'results');
mkdirSync(results, { recursive: true });

function section(title: string, plain: Pass, profiled: Pass, file: string): string[] {
  writeFileSync(join(results, file), JSON.stringify(profiled.profile));
  const summary: ProfileSummary = summarise(profiled.profile!);
  const idle = summary.modules.find((m) => m.name === 'idle')?.micros ?? 0;
  const busy = summary.totalMicros - idle;
  const share = (rows: ProfileSummary['modules']) =>
    rows
      .filter((row) => row.name !== 'idle' && !row.name.startsWith('(idle)'))
      .slice(0, TOP)
      .map((row) => `| ${row.name} | ${pct(row.micros, busy)} | ${((plain.mainMsPerOp * row.micros) / busy).toFixed(3)} |`);
  return [
    `## ${title}`,
    '',
    `Server CPU per operation: **${plain.cpuMsPerOp.toFixed(3)} ms** (${profiled.cpuMsPerOp.toFixed(3)} ms while profiled), of which the main thread ` +
      `**${plain.mainMsPerOp.toFixed(3)} ms** and the other threads (libuv's pool running the crypto jobs, V8's compiler and GC helpers, the checkpoint thread) ${(plain.cpuMsPerOp - plain.mainMsPerOp).toFixed(3)} ms. ` +
      `The profile samples the main thread only: it was busy ${pct(busy, summary.totalMicros)} of the profiled pass; shares below are of that busy time, ms ≈ share × the main thread's ms per operation. Profile: bench/results/${file} (open in Chrome DevTools → Performance).`,
    '',
    '| category | share of busy time | ≈ ms per op |',
    '| --- | ---: | ---: |',
    ...share(summary.categories),
    '',
    '| module | share of busy time | ≈ ms per op |',
    '| --- | ---: | ---: |',
    ...share(summary.modules),
    '',
    '| function (self time) | share of busy time | ≈ ms per op |',
    '| --- | ---: | ---: |',
    ...share(summary.functions),
    '',
  ];
}

const report = [
  `# Latchkey CPU profile`,
  '',
  `${new Date().toISOString()} · Node ${process.version} · ${store.replace(/^(sqlite) .*/, '$1 (temp file)')} · ${OPS} operations per pass, ${LANES} concurrent lanes · ${isolated ? 'server main thread alone on core 0' : 'not pinned'} · rate limits on (not tripped) · log level info → /dev/null`,
  '',
  ...section('Login (init → start → finish: 3 requests)', loginPlain, loginProfiled, 'profile-login.cpuprofile'),
  ...section('verifySignedData → success (a fresh token each)', verifyPlain, verifyProfiled, 'profile-verify.cpuprofile'),
].join('\n');
process.stdout.write(`${report}\n`);
writeFileSync(join(results, 'profile.md'), report);
