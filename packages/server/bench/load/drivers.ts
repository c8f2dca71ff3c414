import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonClient } from '../lib/http.js';
import type { Target } from '../targets/target.js';
import { basicAuth, loginOnce, verifyOnce } from './ceremony.js';
import type { LoadErrors } from './errors.js';
import type { UserPool } from './users.js';

export interface LoginRun {
  logins: number;
  seconds: number;
  /** Whole-login latencies in ms. */
  latencies: number[];
  tokens: string[];
}

/** Closed loop: `lanes` ceremonies always in flight, each starting the next when it ends, for `seconds`. */
export async function closedLoopLogins(target: Target, client: JsonClient, users: UserPool, errors: LoadErrors, lanes: number, seconds: number): Promise<LoginRun> {
  const run: LoginRun = { logins: 0, seconds: 0, latencies: [], tokens: [] };
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const token = await loginOnce(target, client, users, errors);
        if (token === undefined) continue;
        run.latencies.push(performance.now() - t0);
        run.tokens.push(token);
        run.logins++;
      }
    }),
  );
  run.seconds = (performance.now() - start) / 1000;
  return run;
}

/**
 * Open loop: a new ceremony every 1/rate s whatever is still in flight, for `seconds`. Latency runs
 * from the moment a ceremony was due, not when it got going, so a stalled server cannot hide its
 * queue (no coordinated omission).
 */
export async function pacedLogins(target: Target, client: JsonClient, users: UserPool, errors: LoadErrors, rate: number, seconds: number): Promise<LoginRun> {
  const run: LoginRun = { logins: 0, seconds: 0, latencies: [], tokens: [] };
  const start = performance.now();
  const total = Math.max(1, Math.round(rate * seconds));
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(
      loginOnce(target, client, users, errors).then((token) => {
        if (token === undefined) return;
        run.latencies.push(performance.now() - due);
        run.tokens.push(token);
        run.logins++;
      }),
    );
  }
  await Promise.all(inFlight);
  run.seconds = (performance.now() - start) / 1000;
  return run;
}

/** Verifies every token once, `concurrency` at a time. */
export async function verifyAll(target: Target, client: JsonClient, errors: LoadErrors, tokens: string[], concurrency: number): Promise<{ verified: number; seconds: number }> {
  const authorization = basicAuth(target);
  let next = 0;
  let verified = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]!;
        if (await verifyOnce(target, client, authorization, token, errors)) verified++;
      }
    }),
  );
  return { verified, seconds: (performance.now() - start) / 1000 };
}
