import { join } from 'node:path';
import type { LoadErrors } from '../load/errors.js';
import { serveHasWorkers, startLatchkey } from '../targets/latchkey.js';
import { measureTarget, type MeasureOptions, type TargetFigures } from './measure-target.js';

export type WorkersFigures =
  | { available: false }
  | { available: true; rows: Array<TargetFigures & { workers: number; cores: string }>; failed?: string };

/**
 * `latchkey serve --workers N` on SQLite for N = 1 and 2: server CPU ms per operation and
 * throughput. One worker runs on core 0; two get cores 0 and 1, which the load generator also
 * uses, so on a 2-core machine the scaling figure is a floor.
 */
export async function measureWorkers(packageDir: string, dir: string, errors: LoadErrors, opts: MeasureOptions): Promise<WorkersFigures> {
  if (!(await serveHasWorkers(packageDir))) return { available: false };
  const rows: Array<TargetFigures & { workers: number; cores: string }> = [];
  for (const workers of [1, 2]) {
    const cores = workers === 1 ? '0' : '0,1';
    let target;
    try {
      target = await startLatchkey({ packageDir, name: `Latchkey, SQLite, --workers ${workers}`, databaseUrl: `file:${join(dir, `workers-${workers}.sqlite`)}`, cores, workers });
    } catch (error) {
      // The flag exists but the server did not come up: reported, not fatal (no response under load failed).
      return { available: true, rows, failed: `--workers ${workers}: ${(error as Error).message}` };
    }
    try {
      rows.push({ ...(await measureTarget(target, errors, { ...opts, skipHalfPeak: true })), workers, cores });
    } finally {
      await target.stop();
    }
  }
  return { available: true, rows };
}
