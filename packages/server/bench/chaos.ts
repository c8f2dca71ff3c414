/**
 * `npm run chaos`: kill -9 under load, on both stores, and count what was lost (must be 0).
 *
 * For each store (a temp SQLite file; a fresh PostgreSQL database), a real `latchkey serve` process
 * on 127.0.0.1 takes a bounded load of passkey appends and login + verify rounds from concurrent
 * lanes (the software authenticator, real WebAuthn), while it is killed with SIGKILL a few times
 * and restarted on the same port. Afterwards, on a last restart:
 *   - every passkey whose append answered 200 must still be listed for its user;
 *   - every token whose verification answered `success` must now answer `alreadyUsed` (a `success`
 *     would be a lost spent `jti`: a double spend);
 *   - requests that failed (no answer, or 5xx) are counted per restart window (from the kill until
 *     the new process answers /readyz) and outside them (should be 0); unexpected 4xx are listed.
 * Prints a Markdown summary; exits 1 if anything was lost or double spent.
 *
 * Knobs (environment): CHAOS_STORES (`sqlite,postgres`), CHAOS_SECONDS (load per store, 30),
 * CHAOS_KILLS (4), CHAOS_LANES (4), CHAOS_POSTGRES_URL (admin URL where a fresh database is created;
 * default LATCHKEY_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SoftAuthenticator } from '@latchkey/testkit';
import type { Project } from '../src/projects/project.js';
import { appendPasskey, login, verify } from '../test/helpers/ceremonies.js';
import { projectClient, type HttpAnswer, type TestProject } from '../test/helpers/http-client.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '..', 'bin', 'latchkey.js');

const knob = (name: string, fallback: number, max: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
};
const SECONDS = knob('CHAOS_SECONDS', 30, 100);
const KILLS = knob('CHAOS_KILLS', 4, 20);
const LANES = knob('CHAOS_LANES', 4, 32);
const STORES = (process.env.CHAOS_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim()) as Array<'sqlite' | 'postgres'>;
for (const store of STORES) if (store !== 'sqlite' && store !== 'postgres') throw new Error(`CHAOS_STORES: unknown store "${store}"`);
if (!process.env.LATCHKEY_TEST_POSTGRES_URL && process.env.CHAOS_POSTGRES_URL) process.env.LATCHKEY_TEST_POSTGRES_URL = process.env.CHAOS_POSTGRES_URL;
/** How long a lane waits after a failed request before it starts its ceremony over. */
const RETRY_MS = 100;
/** How long one `latchkey serve` may take to answer /readyz before the run gives up. */
const START_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const progress = (message: string) => process.stderr.write(`[chaos] ${message}\n`);

// ---------- the server process ----------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('LATCHKEY_') && key !== 'NODE_OPTIONS') clean[key] = value;
  // One process (no cluster): a kill -9 takes the whole server away, which is what this measures.
  return { ...clean, LATCHKEY_LOG_LEVEL: 'warn', LATCHKEY_WORKERS: '1', LATCHKEY_FRONTEND_RATE_LIMIT: '0', LATCHKEY_BACKEND_RATE_LIMIT: '0', ...env };
}

/** Runs one CLI command and returns its JSON output. */
function cliJson<T>(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`latchkey ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** `latchkey serve`; resolves once GET /readyz answers 200. */
async function startServe(env: NodeJS.ProcessEnv, cwd: string, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`latchkey serve exited ${child.exitCode} at start: ${stderr}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return child;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`latchkey serve did not become ready within ${START_TIMEOUT_MS} ms: ${stderr}`);
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// ---------- counting every request ----------

interface Outcome {
  start: number;
  end: number;
  /** An HTTP status, or 0 when no answer came (connection refused or reset). */
  status: number;
  code?: string;
}

function counting(p: TestProject, outcomes: Outcome[]): TestProject {
  const track = async (call: () => Promise<HttpAnswer>): Promise<HttpAnswer> => {
    const start = performance.now();
    try {
      const answer = await call();
      outcomes.push({ start, end: performance.now(), status: answer.status, code: answer.body?.error?.code });
      return answer;
    } catch (error) {
      outcomes.push({ start, end: performance.now(), status: 0 });
      throw error;
    }
  };
  return {
    ...p,
    frontend: (path, body, options) => track(() => p.frontend(path, body, options)),
    backend: (method, path, body, options) => track(() => p.backend(method, path, body, options)),
  };
}

// ---------- one store ----------

interface StoreReport {
  store: string;
  seconds: number;
  kills: number;
  requests: number;
  failedInWindows: number;
  /** Of those, requests already in flight when the kill came (the rest found no server listening). */
  cutOff: number;
  /** Failed requests that got an answer: a 5xx. */
  serverErrors: number;
  failedOutside: number;
  unexpected4xx: Record<string, number>;
  windowsMs: number[];
  passkeysAppended: number;
  passkeysLost: number;
  passkeysUnknown: number;
  successes: number;
  successesLost: number;
  tokensUnknown: number;
  tokensUnknownBad: number;
}

async function runStore(kind: 'sqlite' | 'postgres'): Promise<StoreReport> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-chaos-'));
  let drop: () => Promise<void> = async () => {};
  let databaseUrl = `file:${join(dir, 'chaos.sqlite')}`;
  const extra: Record<string, string> = {};
  if (kind === 'postgres') {
    const { freshPostgresDatabase } = await import('../test/helpers/test-store.js');
    const database = await freshPostgresDatabase();
    databaseUrl = database.url;
    drop = database.drop;
    // PostgreSQL needs the key-encryption key given (every instance and the CLI share it).
    extra.LATCHKEY_KEY_ENCRYPTION_KEY = randomBytes(32).toString('base64');
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = serverEnv({ LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_PORT: String(port), ...extra });
  let child: ChildProcess | undefined;
  try {
    const created = await cliJson<{ projectId: string; apiSecret: string; project: Project }>(
      ['project', 'create', '--name', 'Chaos', '--rp-id', 'localhost', '--origin', 'http://localhost:3000', '--token-ttl', '600'],
      env,
      dir,
    );
    child = await startServe(env, dir, url);
    const outcomes: Outcome[] = [];
    const p = counting(projectClient(url, created.project, created.apiSecret), outcomes);
    const plain = projectClient(url, created.project, created.apiSecret);

    const appended: Array<{ identifier: string; credentialId: string }> = [];
    const appendUnknown: string[] = [];
    const successes: string[] = [];
    const unknownTokens: string[] = [];
    const windows: Array<{ from: number; to: number }> = [];

    let running = true;
    const lane = async (index: number) => {
      const main = new SoftAuthenticator();
      const mainIdentifier = `chaos-${index}@example.com`;
      let round = 0;
      while (running) {
        round++;
        try {
          if (main.credentials.length === 0 || round % 3 === 0) {
            // A passkey for a new user each time: every 200 must survive every kill.
            const fresh = main.credentials.length === 0 ? main : new SoftAuthenticator();
            const identifier = fresh === main ? mainIdentifier : `chaos-${index}-${round}@example.com`;
            let answer: HttpAnswer;
            try {
              answer = await appendPasskey(p, fresh, identifier);
            } catch (error) {
              // No answer to the finish: committed or not, both are fine; recorded, not judged.
              if (fresh.credentials.length > 0) appendUnknown.push(identifier);
              // The lane's own login needs a passkey it knows the server holds: it appends anew.
              if (fresh === main) main.credentials.length = 0;
              throw error;
            }
            if (answer.status === 200) appended.push({ identifier, credentialId: fresh.credentials.at(-1)!.id });
            else if (fresh === main) main.credentials.length = 0;
            continue;
          }
          const finished = await login(p, main, mainIdentifier);
          if (finished.status !== 200) continue;
          const token = finished.body.signedPasskeyData as string;
          let verified: HttpAnswer;
          try {
            verified = await verify(p, token);
          } catch (error) {
            unknownTokens.push(token);
            throw error;
          }
          if (verified.body?.verificationResult === 'success') successes.push(token);
          else if (verified.status >= 500) unknownTokens.push(token);
        } catch {
          // The server is down or went down mid-ceremony: start over, as a page would on a retry.
          await sleep(RETRY_MS);
        }
      }
    };

    progress(`${kind}: ${LANES} lanes for ${SECONDS} s, ${KILLS} kills`);
    const started = performance.now();
    const lanes = Array.from({ length: LANES }, (_, i) => lane(i));
    const gap = (SECONDS * 1000) / (KILLS + 1);
    for (let kill = 1; kill <= KILLS; kill++) {
      // Kills land at varied moments of the load, not on a beat.
      await sleep(gap * (0.6 + 0.8 * Math.random()));
      const from = performance.now();
      await killHard(child);
      child = await startServe(env, dir, url);
      windows.push({ from, to: performance.now() });
      progress(`${kind}: kill ${kill}/${KILLS}, back after ${(performance.now() - from).toFixed(0)} ms`);
    }
    const remaining = SECONDS * 1000 - (performance.now() - started);
    if (remaining > 0) await sleep(remaining);
    running = false;
    await Promise.all(lanes);
    const seconds = (performance.now() - started) / 1000;

    // One more kill, with nothing in flight, then every check against the restarted server.
    await killHard(child);
    child = await startServe(env, dir, url);
    let passkeysLost = 0;
    for (const { identifier, credentialId } of appended) {
      const users = await plain.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`);
      const userId = users.body.users?.[0]?.userID as string | undefined;
      const passkeys = userId ? await plain.backend('GET', `/users/${userId}/passkeys`) : undefined;
      if (!passkeys?.body.passkeys?.some((k: { credentialId: string }) => k.credentialId === credentialId)) passkeysLost++;
    }
    let successesLost = 0;
    for (const token of successes) if ((await verify(plain, token)).body.verificationResult !== 'alreadyUsed') successesLost++;
    // A token whose verification got no answer may have been spent or not; never anything else.
    let tokensUnknownBad = 0;
    for (const token of unknownTokens) {
      const result = (await verify(plain, token)).body.verificationResult;
      if (result !== 'success' && result !== 'alreadyUsed') tokensUnknownBad++;
    }

    const inWindow = (o: Outcome) => windows.some((w) => o.start <= w.to && o.end >= w.from);
    const failed = outcomes.filter((o) => o.status === 0 || o.status >= 500);
    const unexpected4xx: Record<string, number> = {};
    for (const o of outcomes) if (o.status >= 400 && o.status < 500) unexpected4xx[`${o.status} ${o.code}`] = (unexpected4xx[`${o.status} ${o.code}`] ?? 0) + 1;
    return {
      store: kind === 'sqlite' ? 'SQLite (synchronous=normal)' : 'PostgreSQL',
      seconds,
      kills: KILLS,
      requests: outcomes.length,
      failedInWindows: failed.filter(inWindow).length,
      cutOff: failed.filter((o) => windows.some((w) => o.start < w.from && o.end >= w.from)).length,
      serverErrors: failed.filter((o) => o.status >= 500).length,
      failedOutside: failed.filter((o) => !inWindow(o)).length,
      unexpected4xx,
      windowsMs: windows.map((w) => w.to - w.from),
      passkeysAppended: appended.length,
      passkeysLost,
      passkeysUnknown: appendUnknown.length,
      successes: successes.length,
      successesLost,
      tokensUnknown: unknownTokens.length,
      tokensUnknownBad,
    };
  } finally {
    if (child) await killHard(child);
    rmSync(dir, { recursive: true, force: true });
    await drop();
  }
}

// ---------- the run ----------

const reports: StoreReport[] = [];
for (const store of STORES) reports.push(await runStore(store));

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const lines = [
  `## Chaos: SIGKILL under load (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${LANES} lanes)`,
  '',
  '| store | duration | kills | requests | failed in restart windows (of them in flight at the kill) | failed outside | of all failed: 5xx | restart window (median, max) | passkeys appended / lost | `success` tokens / double spent | no answer: passkeys, tokens (wrong after) | unexpected 4xx |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...reports.map(
    (r) =>
      `| ${r.store} | ${r.seconds.toFixed(0)} s | ${r.kills} | ${r.requests} | ${r.failedInWindows} (${r.cutOff}) | ${r.failedOutside} | ${r.serverErrors} | ` +
      `${median(r.windowsMs).toFixed(0)} ms, ${Math.max(...r.windowsMs).toFixed(0)} ms | ${r.passkeysAppended} / **${r.passkeysLost}** | ` +
      `${r.successes} / **${r.successesLost}** | ${r.passkeysUnknown}, ${r.tokensUnknown} (${r.tokensUnknownBad}) | ` +
      `${Object.entries(r.unexpected4xx).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'} |`,
  ),
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
const lost = reports.reduce((sum, r) => sum + r.passkeysLost + r.successesLost + r.tokensUnknownBad, 0);
if (lost > 0) {
  process.stderr.write(`[chaos] FAILED: ${lost} committed result(s) lost or double spent\n`);
  process.exit(1);
}
progress('nothing lost');
