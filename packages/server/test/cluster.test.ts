import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequestRaw, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoftAuthenticator } from '@latchkey/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../src/projects/project.js';
import { appendPasskey, expectStatus, login, signedPasskeyData, verify } from './helpers/ceremonies.js';
import { basicAuth, projectClient, type TestProject } from './helpers/http-client.js';
import { expectRefusal, killAllCliProcesses, runCli, runCliJson, serveCli, type RunOptions, type Served } from './helpers/cli-process.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';
import { waitUntil } from './helpers/wait-until.js';

/**
 * `latchkey serve --workers 2`: one primary, two worker processes sharing the port, on the store of
 * this run (SQLite file or PostgreSQL database). Every request below may land on either worker;
 * the promises are the ones a single process keeps (single use, no 5xx), plus what a cluster owes:
 * a dead worker is replaced, SIGTERM drains every worker, /metrics counts all of them.
 */

let database: TestDatabase;
let dir: string;
let options: RunOptions;
let served: Served;
let at: TestProject;

/** The pids whose parent is `pid` (Linux /proc): the primary's workers. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // Field 4 of /proc/PID/stat is the parent pid; the command name (field 2) is in parentheses.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number)
    .sort();
}

/** One request on a connection of its own: the primary hands each new connection to the next worker. */
function onFreshConnection(path: string): Promise<{ status: number; body: string; requestId: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequestRaw(`${served.url}${path}`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, requestId: String(res.headers['x-request-id']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The workers that logged these requests (pino JSON lines on stdout, level info; the pipe may lag the answer). */
function workersOf(requestIds: string[]): Promise<Set<number>> {
  return waitUntil('every request is in some worker\'s log', async () => {
    const found = new Map<string, number>();
    for (const line of served.stdout().split('\n')) {
      const id = /"reqId":"(req_[0-9A-Za-z]+)"/.exec(line)?.[1];
      const worker = /"worker":(\d+)/.exec(line)?.[1];
      if (id && worker) found.set(id, Number(worker));
    }
    return requestIds.every((id) => found.has(id)) ? new Set(requestIds.map((id) => found.get(id)!)) : undefined;
  });
}

/** The workers' "worker listening" lines, in order. */
function listeningLog(): Array<{ worker: number; pid: number; housekeeping: boolean }> {
  return served
    .stdout()
    .split('\n')
    .filter((line) => line.includes('"worker listening"') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as { worker: number; pid: number; housekeeping: boolean });
}

function sampleOf(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeAll(async () => {
  database = await freshDatabase();
  dir = mkdtempSync(join(tmpdir(), 'latchkey-cluster-'));
  // Deadlines only (a loaded 2-core machine starts Node processes slowly), never timings.
  options = { db: database.url, cwd: dir, env: { LATCHKEY_LOG_LEVEL: 'info', LATCHKEY_WORKERS: undefined }, timeoutMs: 120_000 };
  // Two processes start Node, Fastify and the crypto stack at once: give a loaded CI machine room.
  served = await serveCli(['--workers', '2'], options, true, 120_000);
  const created = await runCliJson<{ apiSecret: string; project: Project }>(
    ['project', 'create', '--name', 'Workers', '--rp-id', 'localhost', '--origin', 'http://localhost:3000'],
    options,
  );
  at = projectClient(served.url, created.project, created.apiSecret);
}, 270_000);

afterAll(async () => {
  try {
    if (served && served.child.exitCode === null) served.child.kill('SIGKILL');
  } finally {
    killAllCliProcesses();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  }
});

describe('serve --workers 2', () => {
  it('prints one listening line with the worker count; each worker logs its id and pid', async () => {
    const banner = served.stdout().split('\n').filter((line) => line.startsWith('Latchkey is listening'));
    expect(banner).toEqual([`Latchkey is listening on ${served.url} (2 worker processes)`]);
    const workers = childrenOf(served.child.pid!);
    expect(workers).toHaveLength(2);
    const listening = await waitUntil('both workers logged that they listen', async () => (listeningLog().length === 2 ? listeningLog() : undefined));
    expect(listening.map((entry) => entry.worker).sort()).toEqual([1, 2]);
    expect(listening.map((entry) => entry.pid).sort()).toEqual(workers);
    // Housekeeping runs in exactly one process.
    expect(listening.filter((entry) => entry.housekeeping)).toHaveLength(1);
    // The store was prepared once, by the primary, before any worker started.
    const prepared = served.stdout().split('\n').filter((line) => line.includes('"applied migrations"'));
    expect(prepared).toHaveLength(1);
    expect((JSON.parse(prepared[0]!) as { pid: number }).pid).toBe(served.child.pid);
  });

  it('the same token verified 100 times at once across both workers succeeds exactly once', async () => {
    const token = await signedPasskeyData(at, new SoftAuthenticator(), 'hundred@example.com');
    const answers = await Promise.all(Array.from({ length: 100 }, () => verify(at, token)));
    expect(answers.map((answer) => answer.status).filter((status) => status !== 200)).toEqual([]);
    const results = answers.map((answer) => answer.body.verificationResult as string);
    expect(results.filter((result) => result === 'success')).toHaveLength(1);
    expect(results.filter((result) => result === 'alreadyUsed')).toHaveLength(99);
    expect(await workersOf(answers.map((answer) => answer.headers.get('x-request-id')!))).toEqual(new Set([1, 2]));
  });

  it('concurrent appends and logins across both workers all succeed (no SQLITE_BUSY, no 5xx)', async () => {
    const users = Array.from({ length: 10 }, (_, i) => ({ identifier: `busy-${i}@example.com`, authenticator: new SoftAuthenticator() }));
    const appended = await Promise.all(users.map((user) => appendPasskey(at, user.authenticator, user.identifier)));
    expect(appended.map((answer) => answer.status)).toEqual(users.map(() => 200));
    // One login per user at a time (two at once with one authenticator could arrive with their signature counters crossed).
    const loggedIn = await Promise.all(users.map((user) => login(at, user.authenticator, user.identifier)));
    expect(loggedIn.map((answer) => answer.status)).toEqual(loggedIn.map(() => 200));
    const metrics = (await onFreshConnection('/metrics')).body;
    expect(metrics).not.toMatch(/^latchkey_store_failures_total\{/m);
    expect(metrics).not.toMatch(/^latchkey_http_requests_total\{[^}]*status="5\d\d"/m);
  });

  it('/metrics counts the requests of both workers, whichever worker answers it', async () => {
    const series = 'latchkey_http_requests_total{method="GET",route="/readyz",status="200"}';
    const before = sampleOf((await onFreshConnection('/metrics')).body, series);
    const answers = await Promise.all(Array.from({ length: 10 }, () => onFreshConnection('/readyz')));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(await workersOf(answers.map((answer) => answer.requestId))).toEqual(new Set([1, 2]));
    // Two scrapes on fresh connections: one lands on each worker, and both see all ten requests.
    for (const scrape of [await onFreshConnection('/metrics'), await onFreshConnection('/metrics')]) {
      expect(scrape.status).toBe(200);
      expect(sampleOf(scrape.body, series)).toBe(before + 10);
      expect(sampleOf(scrape.body, 'latchkey_cluster_workers')).toBe(2);
    }
  });

  it('a worker killed with SIGKILL is replaced, and requests keep succeeding', { timeout: 150_000 }, async () => {
    const [victim, survivor] = childrenOf(served.child.pid!);
    const survivorId = listeningLog().find((entry) => entry.pid === survivor)!.worker;
    process.kill(victim!, 'SIGKILL');
    const replacement = await waitUntil(
      'a new worker replaces the killed one and listens',
      async () => listeningLog().find((entry) => entry.worker === 3),
      120_000,
    );
    expect(childrenOf(served.child.pid!)).toEqual([survivor!, replacement.pid].sort());
    const answers = await Promise.all(Array.from({ length: 6 }, () => onFreshConnection('/readyz')));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(await workersOf(answers.map((answer) => answer.requestId))).toEqual(new Set([survivorId, 3]));
    const metrics = (await onFreshConnection('/metrics')).body;
    expect(sampleOf(metrics, 'latchkey_cluster_worker_restarts_total')).toBe(1);
    expect(sampleOf(metrics, 'latchkey_cluster_workers')).toBe(2);
    // The housekeeping duty goes with the slot: still exactly one live worker has it.
    const live = listeningLog().filter((entry) => entry.pid === survivor || entry.pid === replacement.pid);
    expect(live.filter((entry) => entry.housekeeping)).toHaveLength(1);
  });

  it('SIGTERM drains every worker: requests in flight complete, all processes exit, exit code 0', { timeout: 90_000 }, async () => {
    const workers = childrenOf(served.child.pid!);
    const tokens: string[] = [];
    const authenticator = new SoftAuthenticator();
    for (let i = 0; i < 4; i++) tokens.push(await signedPasskeyData(at, authenticator, 'draining@example.com'));
    // Four requests in flight: headers sent and taken in (the worker answered 100 Continue), body not yet.
    const inFlight = tokens.map((token) => {
      const body = JSON.stringify({ signedPasskeyData: token });
      const req = httpRequestRaw(`${served.url}/v2/passkey/verifySignedData`, {
        method: 'POST',
        agent: false,
        headers: { authorization: basicAuth(at.project.id, at.secret), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
      });
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res: IncomingMessage) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
      });
      const continued = new Promise<void>((resolve) => req.once('continue', resolve));
      return { req, body, answered, continued };
    });
    for (const request of inFlight) request.req.flushHeaders();
    await Promise.all(inFlight.map((request) => request.continued));

    served.child.kill('SIGTERM');
    // Both workers have begun to stop (their log says so) while the four requests are still open.
    await waitUntil('both workers log that they are stopping', async () =>
      served.stdout().split('\n').filter((line) => line.includes('"stopping: finishing requests in flight"')).length >= 2 ? true : undefined,
    );
    for (const request of inFlight) request.req.end(request.body);
    const answers = await Promise.all(inFlight.map((request) => request.answered));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((answer) => (JSON.parse(answer.body) as { verificationResult: string }).verificationResult)).toEqual(['success', 'success', 'success', 'success']);

    expect(await served.exited).toEqual({ code: 0, signal: null });
    for (const pid of workers) expect(existsSync(`/proc/${pid}`), `worker ${pid} still runs`).toBe(false);
  });
});

describe('serve --workers refusals', () => {
  it('--workers 0, abc, 65, 1.5, -2 and LATCHKEY_WORKERS=abc: one line each, exit code 2', { timeout: 90_000 }, async () => {
    const runs = await Promise.all([
      ...['0', 'abc', '65', '1.5', '-2'].map((value) => runCli(['serve', `--workers=${value}`], { db: database.url, cwd: dir, timeoutMs: 60_000 })),
      runCli(['serve'], { db: database.url, cwd: dir, env: { LATCHKEY_WORKERS: 'abc' }, timeoutMs: 60_000 }),
    ]);
    for (const run of runs.slice(0, 5)) expectRefusal(run, 2, /--workers must be a whole number from 1 to 64/);
    expectRefusal(runs[5]!, 2, /LATCHKEY_WORKERS must be a whole number from 1 to 64/);
  });

  it('workers that cannot listen (the port is taken): the primary says so once and exits 5', { timeout: 150_000 }, async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const run = await runCli(['serve', '--workers', '2'], { db: database.url, cwd: dir, env: { LATCHKEY_PORT: String(port) }, timeoutMs: 120_000 });
      expectRefusal(run, 5, new RegExp(`${port}`));
    } finally {
      blocker.close();
    }
  });
});
