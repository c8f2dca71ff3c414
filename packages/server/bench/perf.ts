/**
 * `npm run bench:perf`: where the server's **main thread** spends its CPU per login and per
 * verification, from Linux `perf` samples instead of V8's sampling profiler.
 *
 * Why a second tool beside bench:profile: V8's profiler samples the main thread by wall-clock time
 * and names native frames only by the JS function that called them. Under load it charged a third
 * of a login to native `run` (a WebCrypto job being queued, an SQLite statement), while per-thread
 * CPU from /proc showed the crypto jobs running on libuv's pool, not on the main thread. `perf`
 * samples each thread only while it runs on a CPU, and sees through native code: SQLite's C, the
 * kernel's system calls, V8's builtins and garbage collector, OpenSSL.
 *
 * How: the same server as bench:profile (bench/profile-server.ts: `startServer`, a temp SQLite
 * file, rate limits on, logs at info into /dev/null) runs with `--perf-basic-prof`, so that perf can
 * name JIT-compiled JS functions. After a warm-up, `perf record -g` follows the server process
 * during each load; the samples of its main thread are summarised:
 * - by category and module: each sample is charged to the innermost JS function on its stack, so
 *   SQLite's C code and the kernel's `pwrite` count as the SQL that ran them, node's own HTTP code as
 *   the package that called it (as bench:profile does); V8's GC and compiler stand apart;
 * - by what was executing (the leaf frame): JIT-compiled JS, V8 and node's C++, SQLite, the kernel,
 *   libc, OpenSSL;
 * - the JS functions with the most samples anywhere on the stack (inclusive).
 * ms per op = share of the main thread's samples × the main thread's CPU ms per op (from /proc).
 *
 * Needs `perf` (Debian: `apt-get install linux-perf`) and permission to trace the server
 * (root, or kernel.perf_event_paranoid ≤ 1); says so and exits 2 otherwise. Knobs: BENCH_PERF_OPS
 * (operations per load, default 3000), BENCH_PROFILE_WARM (default 3000), BENCH_PROFILE_TOP
 * (rows per table, default 15), BENCH_DATABASE_URL (profile PostgreSQL instead).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolateMainThread, pinSelf, threadCpuMs } from './lib/proc.js';
import { loginLanes } from './login-lanes.js';
import { categoryCalledFrom, moduleOf } from './profile-report.js';
import { forkProfileServer, knob } from './profile-child.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OPS = knob('BENCH_PERF_OPS', 3000);
const WARM = knob('BENCH_PROFILE_WARM', 3000);
const TOP = knob('BENCH_PROFILE_TOP', 15);
const LANES = 8;
const progress = (message: string) => process.stderr.write(`[bench:perf] ${message}\n`);

try {
  execFileSync('perf', ['--version'], { stdio: 'ignore' });
} catch {
  progress('`perf` is not installed (Debian: apt-get install linux-perf); bench:profile works without it');
  process.exit(2);
}

// ---------- the server process (the same as bench:profile's, with perf's JIT map) ----------

// --logfile: --perf-basic-prof also turns on V8's event log, a file per thread in the working directory.
const server = forkProfileServer(['--perf-basic-prof', '--logfile=/dev/null', '--no-logfile-per-isolate']);
const child = server.process;
const { ready, ask } = server;

// The server ends with this process, whatever way it ends.
process.once('exit', () => child.kill());
const { url, project, secret, store } = await ready;
const pid = child.pid!;
progress(`server on ${url}, ${store}`);
const { logins, verifications } = await loginLanes(url, project, secret, LANES, 'perf');
progress(`warming up: ${WARM} logins and verifications`);
for (let done = 0; done < WARM; done += 500) await verifications(await logins(Math.min(500, WARM - done)));
const isolated = availableParallelism() >= 2 && pinSelf('1') && isolateMainThread(pid, '0', '1');

// ---------- recording ----------

const work = mkdtempSync(join(tmpdir(), 'latchkey-perf-'));

async function record(name: string, load: () => Promise<unknown>): Promise<{ mainMsPerOp: number; otherMsPerOp: number; samples: Sample[] }> {
  const file = join(work, `${name}.data`);
  const perf: ChildProcess = spawn('perf', ['record', '-F', '4000', '-g', '-p', String(pid), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let perfErrors = '';
  perf.stderr!.on('data', (chunk) => (perfErrors += chunk));
  await new Promise((resolve) => setTimeout(resolve, 500)); // perf attaches
  const before = threadCpuMs(pid);
  await load();
  const after = threadCpuMs(pid);
  perf.kill('SIGINT');
  // perf ends on the SIGINT it was sent, writing its file first.
  const code = await new Promise<number | null>((resolve) => perf.once('exit', (exitCode, signal) => resolve(signal === 'SIGINT' ? 0 : exitCode)));
  if (code !== 0 || !existsSync(file)) throw new Error(`perf record failed (${code}): ${perfErrors.trim() || 'no output'} (root, or kernel.perf_event_paranoid ≤ 1, is needed)`);
  const script = execFileSync('perf', ['script', '-i', file, '-F', 'tid,ip,sym,dso'], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const jit = new JitSymbols(readFileSync(`/tmp/perf-${pid}.map`, 'utf8'));
  return { mainMsPerOp: (after.main - before.main) / OPS, otherMsPerOp: (after.others - before.others) / OPS, samples: parseSamples(script, jit).filter((s) => s.tid === pid) };
}


// ---------- reading perf's stacks ----------

interface Frame {
  symbol: string;
  dso: string;
}
interface Sample {
  tid: number;
  /** Innermost first. */
  frames: Frame[];
}

/**
 * The JIT's symbols, read from V8's perf map ourselves. V8 appends a line for each function it
 * compiles, and its GC reuses code space, so an address can appear in several lines; only the last
 * one written is current. perf keeps an earlier one, and charged steady-state samples to functions
 * that ran once at start-up (node's CommonJS lexer). Here the last line wins.
 */
class JitSymbols {
  readonly #starts: bigint[] = [];
  readonly #entries: Array<{ start: bigint; end: bigint; name: string; line: number }> = [];
  readonly #longest: bigint = 0n;

  constructor(map: string) {
    let longest = 0n;
    map.split('\n').forEach((text, line) => {
      const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(text);
      if (!match) return;
      const start = BigInt(`0x${match[1]}`);
      const size = BigInt(`0x${match[2]}`);
      if (size > longest) longest = size;
      this.#entries.push({ start, end: start + size, name: match[3]!, line });
    });
    this.#entries.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.line - b.line));
    for (const entry of this.#entries) this.#starts.push(entry.start);
    this.#longest = longest;
  }

  /** The newest symbol covering `address`, or undefined. */
  lookup(address: bigint): string | undefined {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.#starts[mid]! <= address) low = mid + 1;
      else high = mid - 1;
    }
    let best: { name: string; line: number } | undefined;
    for (let i = high; i >= 0 && this.#entries[i]!.start + this.#longest > address; i--) {
      const entry = this.#entries[i]!;
      if (entry.end > address && (!best || entry.line > best.line)) best = entry;
    }
    return best?.name;
  }
}

function parseSamples(script: string, jit: JitSymbols): Sample[] {
  const samples: Sample[] = [];
  let current: Sample | undefined;
  for (const line of script.split('\n')) {
    if (line.trim() === '') {
      if (current) samples.push(current);
      current = undefined;
    } else if (!line.startsWith('\t')) {
      // A sample's first line: its tid, right-aligned (a leading space when the tid is short).
      current = { tid: Number(line.trim().split(/\s+/)[0]), frames: [] };
    } else {
      const match = /^\s*([0-9a-f]+) (.*) \((.*)\)\s*$/.exec(line);
      if (!match || !current) continue;
      const dso = match[3]!;
      const symbol = dso.includes('/perf-') ? (jit.lookup(BigInt(`0x${match[1]}`)) ?? match[2]!) : match[2]!;
      current.frames.push({ symbol, dso });
    }
  }
  if (current) samples.push(current);
  return samples;
}

/** A JIT-compiled JS frame from --perf-basic-prof: `JS:*name url:line:col`. */
function jsFrame(frame: Frame): { name: string; url: string; where: string } | undefined {
  const match = /^JS:[*~^]?(\S*) (.+?):(\d+):\d+$/.exec(frame.symbol);
  if (!match) return undefined;
  return { name: match[1] || '(anonymous)', url: match[2]!, where: `${match[2]!.split('/').slice(-1)[0]}:${match[3]}` };
}

const isGc = (symbol: string) => /Heap::|Scavenge|MarkCompact|Sweeper|GCTracer|ConcurrentMarking|MinorMC/.test(symbol);
const isCompiler = (symbol: string) => /v8::internal::(compiler|maglev)::|v8::internal::(Compiler|Parser|ParserBase|PreParser)\b|Builtins_CompileLazy/.test(symbol);
const isOpenSsl = (symbol: string) => /^(EVP_|ossl_|RSA_|BN_|SHA\d|sha\d|ED25519|ecp_|EC_|bn_|rsa_|HMAC|CRYPTO_|OPENSSL_)/i.test(symbol);

function leafKind(frame: Frame | undefined): string {
  if (!frame) return 'unknown';
  if (frame.dso.includes('better_sqlite3')) return 'SQLite (C)';
  if (frame.dso.includes('kernel')) return 'kernel (system calls, scheduling)';
  if (frame.dso.includes('libc')) return 'libc (malloc, memcpy)';
  if (frame.dso.includes('perf-') || frame.symbol.startsWith('JS:')) return 'JS (JIT-compiled)';
  if (isGc(frame.symbol)) return 'V8 garbage collector';
  if (isCompiler(frame.symbol)) return 'V8 compiler';
  if (isOpenSsl(frame.symbol)) return 'OpenSSL';
  if (frame.symbol.startsWith('Builtins_')) return 'V8 builtins';
  return 'V8 runtime and node C++';
}

/** Where a sample's cost belongs: GC and the compiler stand apart; everything else to the innermost JS function's module. */
function chargedModule(sample: Sample): string {
  const leaf = sample.frames[0];
  if (leaf && isGc(leaf.symbol)) return 'GC';
  if (sample.frames.some((frame) => isCompiler(frame.symbol))) return 'V8 compiler';
  for (const frame of sample.frames) {
    const js = jsFrame(frame);
    if (js) return moduleOf(js.url);
  }
  // No JS on the stack: node's C++ between the event loop and JS.
  const symbols = sample.frames.map((frame) => frame.symbol).join(' ');
  if (/http_parser|llhttp/.test(symbols)) return 'node:http';
  if (/StreamBase|StreamWrap|uv__read|uv__write|uv__stream/.test(symbols)) return 'node:net';
  if (/uv__|uv_run/.test(symbols)) return 'node:event loop';
  return 'program (V8, native)';
}

function chargedCategory(sample: Sample, module: string): string {
  if (module === 'V8 compiler') return 'V8 (GC, compiler, native)';
  const callers = sample.frames.flatMap((frame) => {
    const js = jsFrame(frame);
    return js ? [moduleOf(js.url)] : [];
  });
  return categoryCalledFrom(module, callers);
}

function tally(samples: Sample[], keyOf: (sample: Sample) => string | string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const keys = keyOf(sample);
    for (const key of Array.isArray(keys) ? keys : [keys]) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

function section(title: string, run: { mainMsPerOp: number; otherMsPerOp: number; samples: Sample[] }): string[] {
  const total = run.samples.length;
  const rows = (counts: Array<[string, number]>, limit = TOP) =>
    counts.slice(0, limit).map(([name, n]) => `| ${name} | ${((100 * n) / total).toFixed(1)} % | ${((run.mainMsPerOp * n) / total).toFixed(3)} |`);
  const head = (what: string) => [`| ${what} | share of main-thread samples | ≈ ms per op |`, '| --- | ---: | ---: |'];
  const inclusive = tally(run.samples, (sample) => {
    const seen = new Set<string>();
    for (const frame of sample.frames) {
      const js = jsFrame(frame);
      if (js) seen.add(`${js.name} (${moduleOf(js.url)} ${js.where})`);
    }
    return [...seen];
  });
  return [
    `## ${title}`,
    '',
    `Server main thread: **${run.mainMsPerOp.toFixed(3)} ms CPU per operation**; its other threads (libuv's pool running the crypto jobs, V8's helpers, the checkpoint thread): ${run.otherMsPerOp.toFixed(3)} ms. ${total} samples of the main thread.`,
    '',
    ...head('category (cost charged to the innermost JS function)'),
    ...rows(tally(run.samples, (sample) => chargedCategory(sample, chargedModule(sample)))),
    '',
    ...head('module'),
    ...rows(tally(run.samples, chargedModule)),
    '',
    ...head('executing (the leaf frame)'),
    ...rows(tally(run.samples, (sample) => leafKind(sample.frames[0]))),
    '',
    ...head('JS function, inclusive (on the stack)'),
    ...rows(inclusive.filter(([name]) => !/^(processTicksAndRejections|runMicrotasks|processImmediate|listOnTimeout|processTimers) /.test(name)), TOP * 2),
    '',
  ];
}

// ---------- the two loads, and the report ----------

progress(`${OPS} logins under perf`);
let tokens: string[] = [];
const login = await record('login', async () => (tokens = await logins(OPS)));
progress(`${OPS} verifications under perf`);
const verify = await record('verify', () => verifications(tokens));
await ask('close');
rmSync(work, { recursive: true, force: true });
rmSync(`/tmp/perf-${pid}.map`, { force: true });

const report = [
  '# Latchkey main-thread CPU (perf)',
  '',
  `${new Date().toISOString()} · Node ${process.version} · ${store.replace(/^(sqlite) .*/, '$1 (temp file)')} · ${OPS} operations per load, ${LANES} concurrent lanes · ${isolated ? 'server main thread alone on core 0, its other threads and the load on core 1' : 'not pinned'} · rate limits on (not tripped) · log level info → /dev/null`,
  '',
  ...section('Login (init → start → finish: 3 requests)', login),
  ...section('verifySignedData → success (a fresh token each)', verify),
].join('\n');
process.stdout.write(`${report}\n`);
mkdirSync(join(HERE, 'results'), { recursive: true });
writeFileSync(join(HERE, 'results', 'perf.md'), report);
