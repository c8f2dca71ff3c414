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
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loginLanes } from './login-lanes.js';
import type { FromServer, Reply, ToServer } from './profile-server.js';
import { summarise, type CpuProfile, type ProfileSummary } from './profile-report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const knob = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const OPS = knob('BENCH_PROFILE_OPS', 1000);
/** Logins (each verified) before anything is measured: V8 compiles Latchkey's hot code for tens of seconds. */
const WARM = knob('BENCH_PROFILE_WARM', 3000);
const TOP = knob('BENCH_PROFILE_TOP', 12);
const LANES = 8;

// ---------- the server process ----------

const child = fork(join(HERE, 'profile-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env });
let nextId = 1;
const waiting = new Map<number, (message: Reply) => void>();
const ready = new Promise<Extract<FromServer, { ready: true }>>((resolve, reject) => {
  child.on('message', (message: FromServer) => {
    if ('ready' in message) return resolve(message);
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it was ready`)));
});
function ask(cmd: ToServer['cmd']): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    child.send({ id, cmd } satisfies ToServer);
  });
}
const serverCpu = async () => (await ask('cpu')).cpuMicros!;

const progress = (message: string) => process.stderr.write(`[bench:profile] ${message}\n`);

// ---------- loads ----------

const { url, project, secret, store } = await ready;
progress(`server on ${url}, ${store}`);
const { logins, verifications } = await loginLanes(url, project, secret, LANES, 'profile');

interface Pass {
  cpuMsPerOp: number;
  profile?: CpuProfile;
}

async function pass(work: () => Promise<unknown>, ops: number, profiled: boolean): Promise<Pass> {
  if (profiled) await ask('profile-start');
  const before = await serverCpu();
  await work();
  const after = await serverCpu();
  const profile = profiled ? ((await ask('profile-stop')).profile as CpuProfile) : undefined;
  return { cpuMsPerOp: (after - before) / 1000 / ops, ...(profile ? { profile } : {}) };
}

progress(`warming up: ${WARM} logins and verifications`);
for (let done = 0; done < WARM; done += 500) await verifications(await logins(Math.min(500, WARM - done)));

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
      .map((row) => `| ${row.name} | ${pct(row.micros, busy)} | ${((plain.cpuMsPerOp * row.micros) / busy).toFixed(3)} |`);
  return [
    `## ${title}`,
    '',
    `Server CPU per operation: **${plain.cpuMsPerOp.toFixed(3)} ms** (${profiled.cpuMsPerOp.toFixed(3)} ms while profiled). ` +
      `Main thread busy ${pct(busy, summary.totalMicros)} of the profiled pass; shares below are of that busy time, ms ≈ share × CPU per operation. Profile: bench/results/${file} (open in Chrome DevTools → Performance).`,
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
  `${new Date().toISOString()} · Node ${process.version} · ${store.replace(/^(sqlite) .*/, '$1 (temp file)')} · ${OPS} operations per pass, ${LANES} concurrent lanes · rate limits on (not tripped) · log level info → /dev/null`,
  '',
  ...section('Login (init → start → finish: 3 requests)', loginPlain, loginProfiled, 'profile-login.cpuprofile'),
  ...section('verifySignedData → success (a fresh token each)', verifyPlain, verifyProfiled, 'profile-verify.cpuprofile'),
].join('\n');
process.stdout.write(`${report}\n`);
writeFileSync(join(results, 'profile.md'), report);
