/**
 * `npm run bench`: issue 12's measurements in one run, one Markdown report (stdout and
 * bench/results/latest.md). See docs/benchmarks.md for what each row means.
 *
 * Sections (BENCH_ONLY=a,b picks some): crypto (the cryptographic limit, in this process),
 * baseline (the DIY server in bench/baseline), floor (that server with no store and no log: the
 * least any server on this stack spends), sqlite and postgres (Latchkey, `latchkey serve`),
 * soak (RSS under steady load), workers (`serve --workers 1|2`), growth (a pre-filled store).
 * Servers run as child processes on core 0; this process, the load generator, on core 1.
 * Knobs: see lib/knobs.ts (BENCH_QUICK=1 for a ~1-minute smoke run).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { knobs, type Section } from './lib/knobs.js';
import { hasTaskset, pinSelf } from './lib/proc.js';
import { LoadErrors } from './load/errors.js';
import { measureCryptoLimit } from './phases/crypto-limit.js';
import { measureGrowth } from './phases/growth.js';
import { measureTarget, type MeasureOptions } from './phases/measure-target.js';
import { soak } from './phases/soak.js';
import { measureWorkers } from './phases/workers.js';
import { renderReport, type Results } from './report.js';
import { startBaseline } from './targets/baseline.js';
import { startLatchkey } from './targets/latchkey.js';
import { createDatabase } from './targets/postgres.js';
import type { Target } from './targets/target.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = resolve(HERE, '..');
const startedAt = performance.now();
const progress = (message: string) => process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
const wants = (section: Section) => knobs.sections.has(section);

const pinned = pinSelf('1');
const results: Results = {
  pinned: hasTaskset
    ? pinned ? 'taskset: server on core 0, load generator on core 1' : 'taskset present but pinning failed: nothing pinned'
    : '**taskset (util-linux) not found: nothing pinned, server and load share the cores**',
  errors: { count: 0, samples: [] },
  seconds: 0,
};
const errors = new LoadErrors();
const measure: MeasureOptions = { lanes: knobs.lanes, seconds: knobs.seconds, warmupSeconds: knobs.warmupSeconds, verifyConcurrency: knobs.verifyConcurrency, progress };
const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));

/** Runs `work` on a started target and always stops it. */
async function withTarget<T>(start: Promise<Target>, work: (target: Target) => Promise<T>): Promise<T> {
  const target = await start;
  try {
    return await work(target);
  } finally {
    await target.stop();
  }
}

try {
  if (wants('crypto')) {
    progress('crypto limit: SimpleWebAuthn assertion verify, jose RS256 sign and verify');
    results.crypto = await measureCryptoLimit(knobs.cryptoMs);
  }
  if (wants('baseline')) {
    results.baseline = await withTarget(startBaseline({ packageDir: PACKAGE_DIR, dir, cores: '0' }), (t) => measureTarget(t, errors, measure));
  }
  if (wants('floor')) {
    results.floor = await withTarget(startBaseline({ packageDir: PACKAGE_DIR, dir, cores: '0', floor: true }), (t) => measureTarget(t, errors, measure));
  }
  if (wants('sqlite') || wants('soak')) {
    await withTarget(startLatchkey({ packageDir: PACKAGE_DIR, name: 'Latchkey, SQLite', databaseUrl: `file:${join(dir, 'latchkey.sqlite')}`, cores: '0' }), async (t) => {
      if (wants('sqlite')) results.sqlite = await measureTarget(t, errors, measure);
      if (wants('soak')) results.soak = await soak(t, errors, knobs.soakSeconds, progress);
    });
  }
  if (wants('postgres')) {
    const database = await createDatabase(knobs.postgresUrl);
    if ('skipped' in database) {
      results.postgresSkipped = database.skipped;
      progress(`PostgreSQL skipped: ${database.skipped}`);
    } else {
      try {
        results.postgres = await withTarget(startLatchkey({ packageDir: PACKAGE_DIR, name: 'Latchkey, PostgreSQL', databaseUrl: database.url, cores: '0', storeProcessMatch: database.name }), (t) =>
          measureTarget(t, errors, measure),
        );
      } finally {
        await database.drop();
      }
    }
  }
  if (wants('workers')) {
    results.workers = await measureWorkers(PACKAGE_DIR, dir, errors, measure);
    if (!results.workers.available) progress('workers: not available in this build');
  }
  if (wants('growth')) results.growth = await measureGrowth(PACKAGE_DIR, dir, knobs.prefill, errors, measure);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

results.errors = { count: errors.count, samples: errors.samples };
results.seconds = (performance.now() - startedAt) / 1000;
const report = renderReport(results);
process.stdout.write(report);
const out = join(HERE, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'latest.md'), report);
progress(`written to ${join(out, 'latest.md')}`);
// Only an error under load fails the run; a missed goal is reported, never fatal.
process.exit(errors.count > 0 ? 1 : 0);
