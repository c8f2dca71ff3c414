import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { pruneExpired } from '../../housekeeping/prune-expired.js';
import { rollUpAdoption } from '../../housekeeping/roll-up-adoption.js';
import { withStore } from '../cli-context.js';

/**
 * `latchkey prune`: one housekeeping run by hand, for operators who turn the in-server schedule off
 * (LATCHKEY_HOUSEKEEPING_INTERVAL=0) and prefer a cron job.
 */
export function housekeepingCommands(program: Command): void {
  program
    .command('prune')
    .description('delete expired processes, challenges, connect tokens and spent tokens past their retention, roll up the adoption funnel’s finished days, then exit')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const { pruned, adoption } = await withStore(async (ctx) => ({
        pruned: await pruneExpired(ctx),
        adoption: await rollUpAdoption(ctx, { retentionDays: loadConfig().clientEventRetentionDays }),
      }));
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ pruned, adoption })}\n`
          : `pruned: ${Object.entries(pruned).map(([table, rows]) => `${rows} ${table.replace('_', ' ')}`).join(', ')}\n` +
              `adoption: ${adoption.rolledDays} days rolled up, ${adoption.prunedEvents} raw events pruned\n`,
      );
    });
}
