import { JsonClient } from '../lib/http.js';
import { cpuMsOf, cpuMsSince, treeCpuMs, treeRssBytes } from '../lib/proc.js';
import { percentile } from '../lib/stats.js';
import { closedLoopLogins, pacedLogins, verifyAll } from '../load/drivers.js';
import type { LoadErrors } from '../load/errors.js';
import { UserPool } from '../load/users.js';
import type { Target } from '../targets/target.js';

export interface TargetFigures {
  name: string;
  loginsPerSec: number;
  /** Server CPU ms per login (all its processes), and the share of one core the server used meanwhile. */
  loginCpuMs: number;
  loginCoreUse: number;
  /** CPU ms per login / per verify of the database server's own processes (PostgreSQL backends); 0 for SQLite, which runs inside the server. */
  loginStoreCpuMs: number;
  verifyStoreCpuMs: number;
  /** Load-side CPU ms per login (the software authenticator signs here). */
  loadCpuMsPerLogin: number;
  p50AtLanes: number;
  p99AtLanes: number;
  halfRate: number;
  p50AtHalf: number;
  p99AtHalf: number;
  verificationsPerSec: number;
  verifyCpuMs: number;
  verifyCoreUse: number;
  verified: number;
  rssBytes: number;
  /** SQLite only: transactions and single writes per group commit, during the peak logins and the verifications (from /metrics). */
  membersPerCommit?: { login: number; verify: number };
  /** The warm-up: its seconds and the server CPU ms per login+verify in each of its windows (it should level off). */
  warmup: { seconds: number; cpuMsPerPair: number[] };
}

export interface MeasureOptions {
  lanes: number;
  seconds: number;
  /** Seconds of login + verify load before anything is measured (see knobs.warmupSeconds). */
  warmupSeconds: number;
  verifyConcurrency: number;
  /** Skip the half-peak phase (workers section: throughput and CPU only). */
  skipHalfPeak?: boolean;
  progress: (message: string) => void;
}

/** Users registered per target: enough that open-loop ceremonies never wait for a free passkey. */
const POOL_SIZE = 64;

const loadCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * The table row for one server: logins/s at `lanes` concurrent ceremonies (closed loop),
 * whole-login p50/p99 there and at half that rate (open loop), then verifications/s of every token
 * those logins issued (each fresh), with the server's CPU ms per operation for each.
 */
export async function measureTarget(target: Target, errors: LoadErrors, opts: MeasureOptions): Promise<TargetFigures> {
  const client = new JsonClient(target.url);
  try {
    opts.progress(`${target.name}: registering ${POOL_SIZE} passkeys, warming up for ${opts.warmupSeconds} s`);
    const users = await UserPool.create(target, client, POOL_SIZE, 'bench');
    const warmup = await warmUp(target, client, users, errors, opts);
    opts.progress(`${target.name}: warm-up CPU ms per login+verify by window: ${warmup.cpuMsPerPair.map((v) => v.toFixed(2)).join(' → ')}`);

    opts.progress(`${target.name}: logins at ${opts.lanes} concurrent ceremonies, ${opts.seconds} s`);
    const storePids = () => target.storePids?.() ?? [];
    const groups0 = await groupCommits(target.url);
    let store0 = cpuMsOf(storePids());
    let server0 = treeCpuMs(target.pid);
    let load0 = loadCpuMs();
    const peak = await closedLoopLogins(target, client, users, errors, opts.lanes, opts.seconds);
    const loginServerMs = treeCpuMs(target.pid) - server0;
    const loginStoreMs = cpuMsSince(store0, storePids());
    const loadMs = loadCpuMs() - load0;
    const groups1 = await groupCommits(target.url);
    const loginsPerSec = peak.logins / peak.seconds;

    let half = { latencies: [] as number[], tokens: [] as string[] };
    const halfRate = loginsPerSec / 2;
    if (!opts.skipHalfPeak) {
      opts.progress(`${target.name}: logins paced at ${halfRate.toFixed(0)}/s (half the peak), ${opts.seconds} s`);
      half = await pacedLogins(target, client, users, errors, halfRate, opts.seconds);
    }

    const tokens = [...peak.tokens, ...half.tokens];
    opts.progress(`${target.name}: verifying ${tokens.length} fresh tokens, ${opts.verifyConcurrency} in flight`);
    const groups2 = await groupCommits(target.url);
    store0 = cpuMsOf(storePids());
    server0 = treeCpuMs(target.pid);
    load0 = loadCpuMs();
    const verify = await verifyAll(target, client, errors, tokens, opts.verifyConcurrency);
    const verifyServerMs = treeCpuMs(target.pid) - server0;
    const verifyStoreMs = cpuMsSince(store0, storePids());
    const groups3 = await groupCommits(target.url);

    return {
      name: target.name,
      loginsPerSec,
      loginCpuMs: loginServerMs / Math.max(1, peak.logins),
      loginCoreUse: loginServerMs / (peak.seconds * 1000),
      loginStoreCpuMs: loginStoreMs / Math.max(1, peak.logins),
      verifyStoreCpuMs: verifyStoreMs / Math.max(1, verify.verified),
      loadCpuMsPerLogin: loadMs / Math.max(1, peak.logins),
      p50AtLanes: percentile(peak.latencies, 50),
      p99AtLanes: percentile(peak.latencies, 99),
      halfRate,
      p50AtHalf: percentile(half.latencies, 50),
      p99AtHalf: percentile(half.latencies, 99),
      verificationsPerSec: verify.verified / verify.seconds,
      verifyCpuMs: verifyServerMs / Math.max(1, verify.verified),
      verifyCoreUse: verifyServerMs / (verify.seconds * 1000),
      verified: verify.verified,
      rssBytes: treeRssBytes(target.pid),
      warmup,
      ...(groups0 && groups1 && groups2 && groups3 ? { membersPerCommit: { login: perCommit(groups0, groups1), verify: perCommit(groups2, groups3) } } : {}),
    };
  } finally {
    client.close();
  }
}

/** Warm-up windows of at most this many seconds, each logins then the verification of their tokens. */
export const WARMUP_WINDOW_SECONDS = 5;

/**
 * Login + verify load for `opts.warmupSeconds`, in windows, recording the server's CPU per pair in
 * each: the report shows that it levelled off before the measured phases began.
 */
async function warmUp(target: Target, client: JsonClient, users: UserPool, errors: LoadErrors, opts: MeasureOptions): Promise<TargetFigures['warmup']> {
  const cpuMsPerPair: number[] = [];
  let left = opts.warmupSeconds;
  while (left > 0) {
    const window = Math.min(WARMUP_WINDOW_SECONDS, left);
    left -= window;
    const server0 = treeCpuMs(target.pid);
    const logins = await closedLoopLogins(target, client, users, errors, opts.lanes, window);
    await verifyAll(target, client, errors, logins.tokens, opts.verifyConcurrency);
    cpuMsPerPair.push((treeCpuMs(target.pid) - server0) / Math.max(1, logins.logins));
  }
  return { seconds: opts.warmupSeconds, cpuMsPerPair };
}

/** Latchkey on SQLite counts its group commits in /metrics; other targets (the baseline, PostgreSQL) have none. */
async function groupCommits(url: string): Promise<{ commits: number; members: number } | undefined> {
  const answer = await fetch(new URL('/metrics', url)).catch(() => undefined);
  if (!answer?.ok) return undefined;
  const text = await answer.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  const commits = value('latchkey_store_group_commits_total');
  const members = value('latchkey_store_group_commit_members_total');
  return Number.isFinite(commits) && Number.isFinite(members) ? { commits, members } : undefined;
}

const perCommit = (before: { commits: number; members: number }, after: { commits: number; members: number }) =>
  (after.members - before.members) / Math.max(1, after.commits - before.commits);
