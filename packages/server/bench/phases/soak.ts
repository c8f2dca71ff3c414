import { performance } from 'node:perf_hooks';
import { JsonClient } from '../lib/http.js';
import { treeCpuMs, treeRssBytes } from '../lib/proc.js';
import { basicAuth, loginOnce, verifyOnce } from '../load/ceremony.js';
import type { LoadErrors } from '../load/errors.js';
import { UserPool } from '../load/users.js';
import type { Target } from '../targets/target.js';

export interface SoakFigures {
  seconds: number;
  logins: number;
  verifications: number;
  rssStart: number;
  rssEnd: number;
  rssMax: number;
  /** RSS at each tenth of the soak: a plateau is warm-up, a steady climb a leak. */
  rssTrend: number[];
  /** Server CPU ms per login + verify pair over the whole soak. */
  cpuMsPerPair: number;
}

/**
 * Steady load for `seconds` (4 lanes, each a login then the verification of its token), sampling the
 * server's RSS every second: start and end RSS tell whether memory grows under load.
 */
export async function soak(target: Target, errors: LoadErrors, seconds: number, progress: (message: string) => void): Promise<SoakFigures> {
  const client = new JsonClient(target.url);
  try {
    const users = await UserPool.create(target, client, 8, 'soak');
    const authorization = basicAuth(target);
    progress(`${target.name}: soak, ${seconds} s of logins and verifications`);
    const rssStart = treeRssBytes(target.pid);
    let rssMax = rssStart;
    const rssTrend: number[] = [];
    const soakStart = performance.now();
    const sampler = setInterval(() => {
      const rss = treeRssBytes(target.pid);
      rssMax = Math.max(rssMax, rss);
      if (performance.now() - soakStart >= ((rssTrend.length + 1) * seconds * 1000) / 10) rssTrend.push(rss);
    }, 1000);
    const cpu0 = treeCpuMs(target.pid);
    const end = performance.now() + seconds * 1000;
    let logins = 0;
    let verifications = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < end) {
          const token = await loginOnce(target, client, users, errors);
          if (token === undefined) continue;
          logins++;
          if (await verifyOnce(target, client, authorization, token, errors)) verifications++;
        }
      }),
    );
    clearInterval(sampler);
    const cpuMs = treeCpuMs(target.pid) - cpu0;
    const rssEnd = treeRssBytes(target.pid);
    return { seconds, logins, verifications, rssStart, rssEnd, rssMax: Math.max(rssMax, rssEnd), rssTrend, cpuMsPerPair: cpuMs / Math.max(1, logins) };
  } finally {
    client.close();
  }
}
