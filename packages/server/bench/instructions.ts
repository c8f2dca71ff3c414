/**
 * `npm run bench:instructions`: machine instructions the server executes per login and per
 * verification, counted by valgrind's callgrind. Unlike CPU time, the count hardly moves with the
 * load of other work on the machine, so two builds can be compared on a busy machine (one sitting,
 * same counts): `npm run bench:instructions -- <other package dir>` measures another checkout's
 * built server (run `npx tsc -p tsconfig.json` there first). Needs `valgrind` on PATH.
 *
 * The server (bench/instructions-server.mjs, the built `dist/`, a temp SQLite file or
 * BENCH_DATABASE_URL; rate limits on; logs at info into /dev/null) runs under callgrind with
 * counting off. This process warms it up (INSTRUCTIONS_WARM logins and verifications, so that V8
 * has optimised the hot code), then counts INSTRUCTIONS_OPS logins (8 concurrent ceremonies) and
 * then INSTRUCTIONS_OPS verifications, each between `callgrind_control --zero` and `--dump`.
 * Under valgrind the server runs ~50× slower: the defaults (300, 60) take about 3 minutes. The
 * report says how much of each count was V8's optimising compiler, still at work after the warm-up.
 * User-space instructions only: the kernel's work for a syscall is not counted.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loginLanes } from './login-lanes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(process.argv[2] ?? join(HERE, '..'));
const WARM = Number(process.env.INSTRUCTIONS_WARM ?? 300);
const OPS = Number(process.env.INSTRUCTIONS_OPS ?? 60);
const LANES = 8;
const out = mkdtempSync(join(tmpdir(), 'latchkey-callgrind-'));

const child = spawn(
  'valgrind',
  ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(out, 'callgrind.%p')}`, 'node', join(HERE, 'instructions-server.mjs'), packageDir],
  { stdio: ['pipe', 'pipe', 'ignore'], env: process.env },
);
const firstLine: string = await new Promise((resolveLine, reject) => {
  createInterface({ input: child.stdout! }).once('line', resolveLine);
  child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready; is valgrind installed, and ${packageDir}/dist built?`)));
});
const { url, project, secret } = JSON.parse(firstLine);
process.stderr.write(`[bench:instructions] ${packageDir}: server under callgrind on ${url}\n`);
const { logins, verifications } = await loginLanes(url, project, secret, LANES, 'instructions');

const control = (...args: string[]) => execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });

process.stderr.write(`[bench:instructions] warming up (${WARM} logins and verifications)\n`);
await verifications(await logins(WARM));
const tokens = await logins(OPS);
control('--instr=on');
control('--zero');
process.stderr.write(`[bench:instructions] ${OPS} logins, counted\n`);
await logins(OPS);
control('--dump=login');
control('--zero');
process.stderr.write(`[bench:instructions] ${OPS} verifications, counted\n`);
await verifications(tokens);
control('--dump=verify');
control('--instr=off');
child.stdin!.write('stop\n');
await new Promise((done) => child.once('exit', done));

const perOp: Record<string, number> = {};
const compiling: Record<string, number> = {};
for (const file of readdirSync(out)) {
  const text = readFileSync(join(out, file), 'utf8');
  const trigger = /^desc: Trigger: .*dump (login|verify)/m.exec(text)?.[1];
  const total = Number(/^summary: (\d+)/m.exec(text)?.[1] ?? /^totals: (\d+)/m.exec(text)?.[1]);
  if (!trigger) continue;
  perOp[trigger] = total / OPS;
  compiling[trigger] = compilerInstructions(join(out, file)) / total;
}
rmSync(out, { recursive: true, force: true });
const share = (fraction: number | undefined) => (fraction === undefined || Number.isNaN(fraction) ? 'not counted' : `${(100 * fraction).toFixed(0)} %`);
const millions = (n: number | undefined) => (n === undefined ? 'not counted' : `${(n / 1e6).toFixed(2)} M`);
process.stdout.write(
  `${packageDir}: instructions per login (3 requests) ${millions(perOp.login)}, per verification ${millions(perOp.verify)} ` +
    `(${OPS} each, after ${WARM} to warm up; ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}); ` +
    `of which V8's optimising compiler ${share(compiling.login)} / ${share(compiling.verify)}\n`,
);

/**
 * Instructions V8's optimising compiler (its background compile tasks) ran, from callgrind's
 * inclusive costs. A server still compiling hot code after the warm-up counts that work per
 * operation too: two builds compare only when this share is small or alike in both.
 */
function compilerInstructions(file: string): number {
  try {
    const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const line = annotated.split('\n').find((l) => l.includes('OptimizingCompileDispatcher::CompileTask::RunInternal'));
    return line ? Number(line.trim().split(/\s+/)[0]!.replaceAll(',', '')) : 0;
  } catch {
    return NaN; // callgrind_annotate missing: the share reads "not counted"
  }
}
