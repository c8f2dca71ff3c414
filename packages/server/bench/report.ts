import { cpus, platform } from 'node:os';
import { knobs } from './lib/knobs.js';
import { fixed, int, mb, ms, times } from './lib/stats.js';
import type { CryptoLimit } from './phases/crypto-limit.js';
import type { GrowthFigures } from './phases/growth.js';
import { WARMUP_WINDOW_SECONDS, type TargetFigures } from './phases/measure-target.js';
import type { SoakFigures } from './phases/soak.js';
import type { WorkersFigures } from './phases/workers.js';

export interface Results {
  pinned: string;
  crypto?: CryptoLimit;
  baseline?: TargetFigures;
  /** The stack floor: the baseline with its store in Maps and no log (bench/baseline/memory-store.ts). */
  floor?: TargetFigures;
  sqlite?: TargetFigures;
  postgres?: TargetFigures;
  postgresSkipped?: string;
  soak?: SoakFigures;
  workers?: WorkersFigures;
  growth?: GrowthFigures;
  errors: { count: number; samples: string[] };
  seconds: number;
}

const GOAL = { loginVsBaseline: 1.2, loginVsCrypto: 0.6, verifyVsBaseline: 1.0, verifyPerCore: 5000, p99HalfMs: 25, pgVsSqlite: 0.7 };
const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? '**met**' : '**not met**');
const pct = (share: number) => `${Math.round(share * 100)} %`;

/** Server CPU per operation plus, for PostgreSQL, the CPU of its backends serving this server. */
const totalCpu = (f: TargetFigures, kind: 'login' | 'verify') => (kind === 'login' ? f.loginCpuMs + f.loginStoreCpuMs : f.verifyCpuMs + f.verifyStoreCpuMs);
const cpuCell = (server: number, store: number) => (store > 0 ? `${ms(server)} (+${ms(store)} PostgreSQL)` : ms(server));

function tableRow(f: TargetFigures): string {
  return `| ${f.name} | ${int(f.loginsPerSec)} | ${int(f.verificationsPerSec)} | ${cpuCell(f.loginCpuMs, f.loginStoreCpuMs)} / ${cpuCell(f.verifyCpuMs, f.verifyStoreCpuMs)} | ${int(1000 / totalCpu(f, 'login'))} / ${int(1000 / totalCpu(f, 'verify'))} | ${ms(f.p50AtLanes)} / ${ms(f.p99AtLanes)} | ${int(f.halfRate)}/s: ${ms(f.p50AtHalf)} / ${ms(f.p99AtHalf)} | ${pct(f.loginCoreUse)} / ${pct(f.verifyCoreUse)} |`;
}

/**
 * What each CPU goal leaves per operation once the stack floor is paid: the floor does the requests,
 * their validation and the crypto and nothing else, so the store, the audit trail and every
 * per-request protection of any server on this stack must fit in what is left. Below zero, no
 * server on this stack meets the goal on this machine.
 */
function floorBudget(r: Results): string[] {
  const floor = r.floor;
  if (!floor) return [];
  const cryptoLoginMs = r.crypto ? r.crypto.assertionMs + r.crypto.signMs : NaN;
  const lines = [
    '### What the goals leave beyond the stack floor',
    '',
    `The stack floor (the baseline with its store in Maps and no log) reaches ${times(cryptoLoginMs / floor.loginCpuMs)} of the crypto limit for logins ` +
      `and ${int(1000 / floor.verifyCpuMs)} verifications per core. Server CPU ms per operation that each goal allows, and what is left of it beyond the floor:`,
    '',
    '| goal | CPU ms it allows | left beyond the floor | Latchkey SQLite spends beyond the floor |',
    '| --- | ---: | ---: | ---: |',
  ];
  const row = (goal: string, allowed: number, kind: 'login' | 'verify') => {
    const spent = r.sqlite ? totalCpu(r.sqlite, kind) - totalCpu(floor, kind) : NaN;
    const left = allowed - totalCpu(floor, kind);
    lines.push(`| ${goal} | ${ms(allowed)} | ${left < 0 ? `**${ms(left)}** (no server on this stack, on this machine)` : ms(left)} | ${ms(spent)} |`);
  };
  if (r.crypto) row(`login ≥ ${GOAL.loginVsCrypto} of the crypto limit`, cryptoLoginMs / GOAL.loginVsCrypto, 'login');
  if (r.baseline) row(`login ≥ ${GOAL.loginVsBaseline}× the baseline`, totalCpu(r.baseline, 'login') / GOAL.loginVsBaseline, 'login');
  if (r.baseline) row(`verification ≥ ${GOAL.verifyVsBaseline}× the baseline`, totalCpu(r.baseline, 'verify') / GOAL.verifyVsBaseline, 'verify');
  row(`verification ≥ ${int(GOAL.verifyPerCore)}/s per core`, 1000 / GOAL.verifyPerCore, 'verify');
  lines.push('', `The floor's own login p99 at half its peak: ${ms(floor.p99AtHalf)} ms (goal for Latchkey: < ${GOAL.p99HalfMs} ms).`, '');
  return lines;
}

/** The Markdown report: the issue's table, the ratios and goals, then workers, memory and growth. */
export function renderReport(r: Results): string {
  const cpu = cpus();
  const lines: string[] = [
    '# Latchkey benchmark',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${platform()} · ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} · ${r.pinned}` +
      ` · ${knobs.lanes} concurrent ceremonies, ${knobs.warmupSeconds} s warm-up, ${knobs.seconds} s per load phase${knobs.quick ? ' · **BENCH_QUICK: a smoke run, not figures**' : ''}`,
    '',
    'Rate limits on (at 10⁹/min), logs at info into /dev/null. A login is init + start + finish with the software authenticator\'s assertion made on the load core; ' +
      'a verification is one fresh token (issued by the logins before it). Server CPU is read from /proc for the server and all its processes: ' +
      '**CPU ms per operation is the robust figure on a busy machine**; "per-core capacity" is 1000 ÷ that. ' +
      'For PostgreSQL the CPU of its backends serving the server (matched by database name) is shown in brackets and counted in the capacity: SQLite does that work inside the server.',
    '',
    '| per core | logins/s (3 requests each) | verifications/s | server CPU ms per login / per verify | per-core capacity logins/s / verifies/s | login p50 / p99 ms at ' +
      `${knobs.lanes} concurrent | login p50 / p99 ms at half peak (open loop) | server core use login / verify |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  if (r.crypto) {
    const c = r.crypto;
    lines.push(
      `| crypto limit (SimpleWebAuthn assertion verify ${ms(c.assertionMs)} ms + jose RS256 sign ${ms(c.signMs)} ms; jose RS256 verify) | ${int(c.loginsPerSec)} | ${int(c.verificationsPerSec)} | ${ms(c.assertionMs + c.signMs)} / ${ms(c.verifyMs)} | ${int(c.loginsPerSec)} / ${int(c.verificationsPerSec)} | – | – | – |`,
    );
  }
  for (const f of [r.baseline, r.floor, r.sqlite, r.postgres]) if (f) lines.push(tableRow(f));
  if (r.postgresSkipped) lines.push(`| Latchkey, PostgreSQL | skipped: ${r.postgresSkipped} | | | | | | |`);
  lines.push('');

  // Ratios use per-core capacity (1000 ÷ server CPU ms): it is what "per core" means, and it holds on a shared machine.
  const cap = (f: TargetFigures | undefined, kind: 'login' | 'verify') => (f ? 1000 / totalCpu(f, kind) : Number.NaN);
  const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? a / b : Number.NaN);
  const lk = r.sqlite;
  const loginVsBaseline = ratio(cap(lk, 'login'), cap(r.baseline, 'login'));
  const loginVsCrypto = ratio(cap(lk, 'login'), r.crypto?.loginsPerSec ?? Number.NaN);
  const verifyVsBaseline = ratio(cap(lk, 'verify'), cap(r.baseline, 'verify'));
  const verifyVsCrypto = ratio(cap(lk, 'verify'), r.crypto?.verificationsPerSec ?? Number.NaN);
  const pgLogin = ratio(cap(r.postgres, 'login'), cap(lk, 'login'));
  const pgVerify = ratio(cap(r.postgres, 'verify'), cap(lk, 'verify'));
  const known = (value: number, goal: number) => (Number.isFinite(value) ? value >= goal : undefined);
  lines.push(
    '## Ratios and goals (issue 12)',
    '',
    'Per-core capacity ratios (from server CPU ms per operation); measured-throughput ratios in brackets.',
    '',
    '| ratio | value | goal | |',
    '| --- | ---: | ---: | --- |',
    `| logins: Latchkey SQLite ÷ baseline | ${times(loginVsBaseline)} (${times(ratio(lk?.loginsPerSec ?? NaN, r.baseline?.loginsPerSec ?? NaN))}) | ≥ ${GOAL.loginVsBaseline}× | ${verdict(known(loginVsBaseline, GOAL.loginVsBaseline))} |`,
    `| logins: Latchkey SQLite ÷ crypto limit | ${times(loginVsCrypto)} | ≥ ${GOAL.loginVsCrypto}× | ${verdict(known(loginVsCrypto, GOAL.loginVsCrypto))} |`,
    `| verifications: Latchkey SQLite ÷ baseline | ${times(verifyVsBaseline)} (${times(ratio(lk?.verificationsPerSec ?? NaN, r.baseline?.verificationsPerSec ?? NaN))}) | ≥ ${GOAL.verifyVsBaseline}× | ${verdict(known(verifyVsBaseline, GOAL.verifyVsBaseline))} |`,
    `| verifications: Latchkey SQLite ÷ crypto limit | ${times(verifyVsCrypto)} | – | |`,
    `| verifications per core, Latchkey SQLite | ${int(cap(lk, 'verify'))}/s (measured ${int(lk?.verificationsPerSec ?? NaN)}/s) | ≥ ${int(GOAL.verifyPerCore)}/s | ${verdict(known(cap(lk, 'verify'), GOAL.verifyPerCore))} |`,
    `| login p99 at half peak, Latchkey SQLite | ${ms(lk?.p99AtHalf ?? NaN)} ms | < ${GOAL.p99HalfMs} ms | ${verdict(lk && Number.isFinite(lk.p99AtHalf) ? lk.p99AtHalf < GOAL.p99HalfMs : undefined)} |`,
    `| login p99 at half peak, Latchkey PostgreSQL | ${ms(r.postgres?.p99AtHalf ?? NaN)} ms | < ${GOAL.p99HalfMs} ms | ${verdict(r.postgres ? r.postgres.p99AtHalf < GOAL.p99HalfMs : undefined)} |`,
    `| logins: PostgreSQL ÷ SQLite | ${times(pgLogin)} (${times(ratio(r.postgres?.loginsPerSec ?? NaN, lk?.loginsPerSec ?? NaN))}) | ≥ ${GOAL.pgVsSqlite}× | ${verdict(known(pgLogin, GOAL.pgVsSqlite))} |`,
    `| verifications: PostgreSQL ÷ SQLite | ${times(pgVerify)} (${times(ratio(r.postgres?.verificationsPerSec ?? NaN, lk?.verificationsPerSec ?? NaN))}) | ≥ ${GOAL.pgVsSqlite}× | ${verdict(known(pgVerify, GOAL.pgVsSqlite))} |`,
    '',
    ...floorBudget(r),
  );
  if (r.baseline || r.floor || r.sqlite || r.postgres) {
    lines.push(
      `Load-side CPU per login (authenticator + client): ${[r.baseline, r.floor, r.sqlite, r.postgres].filter(Boolean).map((f) => `${f!.name} ${ms(f!.loadCpuMsPerLogin)} ms`).join(' · ')}. ` +
        'A server core use well under 100 % in the login column means the load side or the machine, not the server, set the pace.',
      '',
    );
  }
  const warmed = [r.baseline, r.floor, r.sqlite, r.postgres].filter((f) => f?.warmup);
  if (warmed.length > 0) {
    lines.push(
      `Warm-up before each server was measured: ${knobs.warmupSeconds} s of logins and verifications (V8 compiles hot code for tens of seconds after a start). ` +
        `Server CPU ms per login+verify in its ${WARMUP_WINDOW_SECONDS}-s windows: ${warmed.map((f) => `${f!.name} ${f!.warmup.cpuMsPerPair.map((v) => ms(v)).join(' → ')}`).join(' · ')}.`,
      '',
    );
  }
  const grouped = [r.sqlite, ...(r.workers?.available ? r.workers.rows : [])].filter((f) => f?.membersPerCommit);
  if (grouped.length > 0) {
    lines.push(
      `SQLite group commit (transactions and single writes per COMMIT, from /metrics): ${grouped.map((f) => `${f!.name} ${f!.membersPerCommit!.login.toFixed(1)} during the logins, ${f!.membersPerCommit!.verify.toFixed(1)} during the verifications`).join(' · ')}.`,
      '',
    );
  }

  if (r.workers) {
    lines.push('## Workers (`latchkey serve --workers N`, SQLite)', '');
    if (!r.workers.available) lines.push('workers: not available in this build', '');
    else {
      const [one, two] = r.workers.rows;
      lines.push(
        '| workers | server cores | logins/s | verifications/s | server CPU ms per login / per verify | server core use login / verify |',
        '| ---: | --- | ---: | ---: | ---: | ---: |',
        ...r.workers.rows.map((w) => `| ${w.workers} | ${w.cores} | ${int(w.loginsPerSec)} | ${int(w.verificationsPerSec)} | ${ms(w.loginCpuMs)} / ${ms(w.verifyCpuMs)} | ${pct(w.loginCoreUse)} / ${pct(w.verifyCoreUse)} |`),
        '',
        one && two
          ? `Scaling 2 ÷ 1 workers: logins ${times(two.loginsPerSec / one.loginsPerSec)}, verifications ${times(two.verificationsPerSec / one.verificationsPerSec)}; CPU per login ${times(two.loginCpuMs / one.loginCpuMs)}, per verify ${times(two.verifyCpuMs / one.verifyCpuMs)}. ` +
            'With 2 cores, the second worker shares core 1 with the load generator: the throughput scaling is a floor, CPU per operation is the figure to read.'
          : '',
        '',
      );
      if (r.workers.failed) lines.push(`**workers: the server did not start**: ${r.workers.failed}`, '');
    }
  }

  if (r.soak) {
    const s = r.soak;
    lines.push(
      '## Memory under steady load (Latchkey, SQLite)',
      '',
      `${s.seconds} s soak, 4 lanes of login + verify: ${int(s.logins)} logins, ${int(s.verifications)} verifications, ${ms(s.cpuMsPerPair)} server CPU ms per login+verify. ` +
        `Server RSS: start ${mb(s.rssStart)} MB, end ${mb(s.rssEnd)} MB (end ÷ start ${times(s.rssEnd / s.rssStart)}), highest ${mb(s.rssMax)} MB; ` +
        `at each tenth of the soak: ${s.rssTrend.map((b) => mb(b)).join(', ')} MB (a plateau is warm-up, a steady climb would be a leak).` +
        (s.seconds < 600 ? ' The issue asks for 600 s: `BENCH_ONLY=soak BENCH_SOAK_SECONDS=600 npm run bench`.' : ''),
      '',
    );
  }

  if (r.growth) {
    const g = r.growth;
    const empty = r.sqlite;
    lines.push(
      '## Growth: a store with many passkeys and spent tokens (Latchkey, SQLite)',
      '',
      `Pre-filled in ${fixed(g.prefill.seconds, 1)} s: ${int(g.prefill.passkeys)} users with a passkey each, ${int(g.prefill.liveSpentTokens)} live spent tokens, ${int(g.prefill.expiredSpentTokens)} spent tokens expired beyond retention.`,
      '',
      '| store | logins/s | verifications/s | server CPU ms per login / per verify | login p99 ms at half peak |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...(empty ? [`| empty | ${int(empty.loginsPerSec)} | ${int(empty.verificationsPerSec)} | ${ms(empty.loginCpuMs)} / ${ms(empty.verifyCpuMs)} | ${ms(empty.p99AtHalf)} |`] : []),
      `| ${int(g.prefill.passkeys)} passkeys + spent tokens | ${int(g.figures.loginsPerSec)} | ${int(g.figures.verificationsPerSec)} | ${ms(g.figures.loginCpuMs)} / ${ms(g.figures.verifyCpuMs)} | ${ms(g.figures.p99AtHalf)} |`,
      '',
      empty ? `CPU per operation, full ÷ empty: login ${times(g.figures.loginCpuMs / empty.loginCpuMs)}, verify ${times(g.figures.verifyCpuMs / empty.verifyCpuMs)}.` : '',
      `Housekeeping: spent-token rows ${int(g.spentBefore)} after the prefill → ${int(g.spentAfterHousekeeping)} once it ran (${g.pruneSeconds === undefined ? '**expired rows still there after 120 s**' : `expired rows gone within ${fixed(g.pruneSeconds, 1)} s`}) → ${int(g.spentAtEnd)} at the end; ` +
        `expired rows left at the end: ${int(g.prunableLeftAtEnd)} (${g.prunableLeftAtEnd === 0 && g.pruneSeconds !== undefined ? 'bounded: **met**' : '**not met**'}).`,
      '',
    );
  }

  lines.push(
    '## Errors under load',
    '',
    r.errors.count === 0 ? 'None: every response was the expected 2xx, and every verification of a fresh token was `success`.' : `**${r.errors.count} errors** (the bench exits 1):`,
    ...r.errors.samples.map((s) => `- ${s}`),
    '',
    `Whole run: ${r.seconds.toFixed(0)} s.`,
    '',
  );
  return lines.join('\n');
}
