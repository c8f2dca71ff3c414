/**
 * `npm run bench:compare`: server CPU per login and per verification of the DIY baseline and one or
 * more Latchkey builds, measured in alternating short rounds, so that every target sees the same
 * machine. On a machine whose speed drifts (this one: the crypto limit moved by 30 % between runs
 * of `npm run bench`, and within a run), the full bench measures each server in its own minutes
 * and its ratios move by 20 % or more; here the rounds interleave and the medians of their ratios
 * hold to a few per cent. Use it to compare two builds (a change against main) or to read the
 * Latchkey ÷ baseline ratios; `npm run bench` stays the full report (throughput, latency, memory).
 *
 * Every server runs as in `npm run bench` (child processes on core 0, the load here on core 1,
 * Latchkey on SQLite through `latchkey serve --json`, rate limits on, logs at info into /dev/null).
 * Each round: the crypto limit (as in `npm run bench`, in this process, for BENCH_COMPARE_CRYPTO_MS
 * of CPU), then per target in turn 8 concurrent login ceremonies for BENCH_COMPARE_SECONDS and the
 * verification of their tokens (8 in flight). It prints, per target, the median CPU ms per login and
 * per verification (the server's main thread in brackets) and each round's values, the ratios
 * against the first target and logins ÷ the crypto limit; it writes bench/results/compare.md.
 * Exits 1 if a response under load was an error.
 *
 * The stack floor (`floor`) is the baseline with its store in Maps and no log (bench/baseline/
 * memory-store.ts): the HTTP, validation and crypto of the same requests through the same
 * libraries and nothing else, so that the report shows how much of the crypto limit any server on
 * this stack can reach before it stores or records anything.
 *
 * Knobs: BENCH_COMPARE — the targets, comma-separated: `baseline`, `floor`, `latchkey` (this
 * package's build) or `latchkey:<package dir>` (another checkout's packages/server, built; default
 * `baseline,floor,latchkey`); BENCH_COMPARE_ROUNDS (5); BENCH_COMPARE_SECONDS (4); BENCH_COMPARE_WARM
 * (30, seconds of logins and verifications each target gets first); BENCH_COMPARE_CRYPTO_MS (1000).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonClient } from './lib/http.js';
import { pinSelf, threadCpuMs, treeCpuMs } from './lib/proc.js';
import { fixed, times } from './lib/stats.js';
import { closedLoopLogins, verifyAll } from './load/drivers.js';
import { LoadErrors } from './load/errors.js';
import { UserPool } from './load/users.js';
import { measureCryptoLimit } from './phases/crypto-limit.js';
import { knob } from './profile-child.js';
import { startBaseline } from './targets/baseline.js';
import { startLatchkey } from './targets/latchkey.js';
import type { Target } from './targets/target.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = resolve(HERE, '..');
const ROUNDS = knob('BENCH_COMPARE_ROUNDS', 5);
const SECONDS = knob('BENCH_COMPARE_SECONDS', 4);
const WARM = knob('BENCH_COMPARE_WARM', 30);
const CRYPTO_MS = knob('BENCH_COMPARE_CRYPTO_MS', 1000);
const LANES = 8;
const progress = (message: string) => process.stderr.write(`[bench:compare] ${message}\n`);

interface Entry {
  spec: string;
  target: Target;
  client: JsonClient;
  users: UserPool;
  /** Per round: server CPU ms per op, all threads and the main thread. */
  login: number[];
  loginMain: number[];
  verify: number[];
  verifyMain: number[];
}

function specs(): string[] {
  const list = (process.env.BENCH_COMPARE ?? 'baseline,floor,latchkey').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => s !== 'baseline' && s !== 'floor' && s !== 'latchkey' && !s.startsWith('latchkey:'));
  if (list.length === 0 || bad.length > 0) throw new Error(`BENCH_COMPARE: expected baseline, floor, latchkey or latchkey:<package dir>, got ${bad.join(', ') || 'nothing'}`);
  return list;
}

async function start(spec: string, dir: string, index: number): Promise<Target> {
  if (spec === 'baseline' || spec === 'floor') return startBaseline({ packageDir: PACKAGE_DIR, dir, cores: '0', floor: spec === 'floor' });
  const packageDir = spec === 'latchkey' ? PACKAGE_DIR : resolve(spec.slice('latchkey:'.length));
  return startLatchkey({ packageDir, name: spec, databaseUrl: `file:${join(dir, `latchkey-${index}.sqlite`)}`, cores: '0' });
}

/** One round of logins then verifications against `entry`, its CPU per op appended. */
async function round(entry: Entry, errors: LoadErrors): Promise<void> {
  const { target } = entry;
  let all = treeCpuMs(target.pid);
  let main = threadCpuMs(target.pid).main;
  const logins = await closedLoopLogins(target, entry.client, entry.users, errors, LANES, SECONDS);
  entry.login.push((treeCpuMs(target.pid) - all) / Math.max(1, logins.logins));
  entry.loginMain.push((threadCpuMs(target.pid).main - main) / Math.max(1, logins.logins));
  all = treeCpuMs(target.pid);
  main = threadCpuMs(target.pid).main;
  const verified = await verifyAll(target, entry.client, errors, logins.tokens, LANES);
  entry.verify.push((treeCpuMs(target.pid) - all) / Math.max(1, verified.verified));
  entry.verifyMain.push((threadCpuMs(target.pid).main - main) / Math.max(1, verified.verified));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** The crypto limit of each round: CPU ms of a login's crypto (assertion check + RS256 sign) and of a verification's (RS256 check). */
const crypto = { login: [] as number[], verify: [] as number[] };

function report(entries: Entry[], errors: LoadErrors): string {
  const [first] = entries;
  const cryptoLogin = median(crypto.login);
  const row = (e: Entry) =>
    `| ${e.spec} | ${fixed(median(e.login), 3)} (${fixed(median(e.loginMain), 3)}) | ${fixed(median(e.verify), 3)} (${fixed(median(e.verifyMain), 3)}) | ` +
    `${e === first ? '–' : times(median(first!.login) / median(e.login))} | ${e === first ? '–' : times(median(first!.verify) / median(e.verify))} | ` +
    `${times(cryptoLogin / median(e.login))} | ${e.login.map((v) => fixed(v, 2)).join(' ')} | ${e.verify.map((v) => fixed(v, 3)).join(' ')} |`;
  return [
    '# Latchkey bench:compare',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${ROUNDS} alternating rounds of ${SECONDS} s logins (${LANES} concurrent) then their verifications, after ${WARM} s of warm-up each · servers on core 0, load on core 1`,
    '',
    `Server CPU ms per operation, median of the rounds (main thread in brackets). "÷" columns: capacity against the first target (its CPU ÷ this one's; above 1× is faster).`,
    '',
    `| target | per login | per verify | logins ÷ ${first!.spec} | verifications ÷ ${first!.spec} | logins ÷ crypto limit | login, each round | verify, each round |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    `| crypto limit | ${fixed(cryptoLogin, 3)} | ${fixed(median(crypto.verify), 3)} | | | | ${crypto.login.map((v) => fixed(v, 2)).join(' ')} | ${crypto.verify.map((v) => fixed(v, 3)).join(' ')} |`,
    ...entries.map(row),
    '',
    errors.count === 0 ? 'No errors under load.' : `**${errors.count} errors under load**: ${errors.samples.join('; ')}`,
    '',
  ].join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'latchkey-compare-'));
const errors = new LoadErrors();
const entries: Entry[] = [];
pinSelf('1');
try {
  for (const [index, spec] of specs().entries()) {
    progress(`${spec}: starting, registering passkeys, ${WARM} s of warm-up`);
    const target = await start(spec, dir, index);
    const client = new JsonClient(target.url);
    const entry: Entry = { spec, target, client, users: await UserPool.create(target, client, 64, 'compare'), login: [], loginMain: [], verify: [], verifyMain: [] };
    entries.push(entry);
    for (let left = WARM; left > 0; left -= 5) {
      const logins = await closedLoopLogins(target, client, entry.users, errors, LANES, Math.min(5, left));
      await verifyAll(target, client, errors, logins.tokens, LANES);
    }
  }
  for (let r = 1; r <= ROUNDS; r++) {
    progress(`round ${r} of ${ROUNDS}`);
    const limit = await measureCryptoLimit(CRYPTO_MS);
    crypto.login.push(limit.assertionMs + limit.signMs);
    crypto.verify.push(limit.verifyMs);
    for (const entry of entries) await round(entry, errors);
  }
} finally {
  for (const entry of entries) {
    entry.client.close();
    await entry.target.stop();
  }
  rmSync(dir, { recursive: true, force: true });
}

const text = report(entries, errors);
process.stdout.write(text);
mkdirSync(join(HERE, 'results'), { recursive: true });
writeFileSync(join(HERE, 'results', 'compare.md'), text);
process.exit(errors.count > 0 ? 1 : 0);
