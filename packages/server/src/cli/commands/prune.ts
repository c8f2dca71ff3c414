import type { Command } from 'commander';
import { pruneExpired } from '../../housekeeping/prune-expired.js';
import { withStore } from '../cli-context.js';

/**
 * `latchkey prune`: one housekeeping run by hand, for operators who turn the in-server schedule off
 * (LATCHKEY_HOUSEKEEPING_INTERVAL=0) and prefer a cron job.
 */
export function housekeepingCommands(program: Command): void {
  program
    .command('prune')
    .description('delete expired processes, challenges, connect tokens and spent tokens past their retention, then exit')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const pruned = await withStore((ctx) => pruneExpired(ctx));
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ pruned })}\n`
          : `pruned: ${Object.entries(pruned).map(([table, rows]) => `${rows} ${table.replace('_', ' ')}`).join(', ')}\n`,
      );
    });
}
