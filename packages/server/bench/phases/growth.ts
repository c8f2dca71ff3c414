import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RETENTION } from '../../src/housekeeping/retention.js';
import type { LoadErrors } from '../load/errors.js';
import { startLatchkey } from '../targets/latchkey.js';
import { measureTarget, type MeasureOptions, type TargetFigures } from './measure-target.js';
import { countSpentTokens, prefillSqlite, type PrefillCounts } from './prefill.js';

export interface GrowthFigures {
  prefill: PrefillCounts;
  figures: TargetFigures;
  /** Spent-token rows right after the prefill, once housekeeping had run, and at the end. */
  spentBefore: number;
  spentAfterHousekeeping: number;
  prunableLeftAtEnd: number;
  spentAtEnd: number;
  /** Seconds until housekeeping had pruned every expired row (undefined: not within the wait). */
  pruneSeconds: number | undefined;
}

/** Housekeeping every few seconds, so that the prefilled expired rows go within the section. */
const HOUSEKEEPING_INTERVAL = 5;

/**
 * Latchkey on SQLite with a store holding `n` passkeys and `n` live spent tokens (plus n/10 expired
 * ones): the same measurement as the empty store, so the two rows compare, and a check that
 * housekeeping prunes the expired spent tokens while the server runs.
 */
export async function measureGrowth(packageDir: string, dir: string, n: number, errors: LoadErrors, opts: MeasureOptions): Promise<GrowthFigures> {
  const file = join(dir, 'growth.sqlite');
  let prefill: PrefillCounts | undefined;
  const target = await startLatchkey({
    packageDir,
    name: `Latchkey, SQLite, ${n.toLocaleString('en-US')} passkeys + spent tokens`,
    databaseUrl: `file:${file}`,
    cores: '0',
    housekeepingInterval: HOUSEKEEPING_INTERVAL,
    beforeServe: (projectId) => {
      opts.progress(`growth: inserting ${n.toLocaleString('en-US')} passkeys and ${Math.round(n * 1.1).toLocaleString('en-US')} spent tokens`);
      prefill = prefillSqlite(file, projectId, n);
    },
  });
  try {
    const spentBefore = prefill!.liveSpentTokens + prefill!.expiredSpentTokens;
    const waitStart = Date.now();
    let pruneSeconds: number | undefined;
    for (;;) {
      const { prunable } = countSpentTokens(file, RETENTION.spent_tokens);
      if (prunable === 0) {
        pruneSeconds = (Date.now() - waitStart) / 1000;
        break;
      }
      if (Date.now() - waitStart > 120_000) break;
      await sleep(500);
    }
    const spentAfterHousekeeping = countSpentTokens(file, RETENTION.spent_tokens).total;
    const figures = await measureTarget(target, errors, opts);
    const end = countSpentTokens(file, RETENTION.spent_tokens);
    return { prefill: prefill!, figures, spentBefore, spentAfterHousekeeping, prunableLeftAtEnd: end.prunable, spentAtEnd: end.total, pruneSeconds };
  } finally {
    await target.stop();
  }
}
