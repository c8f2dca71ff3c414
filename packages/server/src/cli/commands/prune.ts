import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { withStore } from '../cli-context.js';
import { emit } from '../output.js';

/**
 * `latchkey prune`: one housekeeping run by hand, for operators who turn the in-server schedule off
 * (LATCHKEY_HOUSEKEEPING_INTERVAL=0) and prefer a cron job.
 */
export function housekeepingCommands(program: Command): void {
  program
    .command('prune')
    .description('delete expired processes, challenges, connect tokens and spent tokens past their retention, ended console sessions, old latency samples and instances, roll up the adoption funnel’s finished days, then exit')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const [{ pruneExpired }, { rollUpAdoption }] = await Promise.all([
        import('../../housekeeping/prune-expired.js'),
        import('../../housekeeping/roll-up-adoption.js'),
      ]);
      const { report, adoption } = await withStore(async (ctx) => ({
        report: await pruneExpired(ctx),
        adoption: await rollUpAdoption(ctx, { retentionDays: loadConfig().clientEventRetentionDays }),
      }));
      // The API's camelCase for --json, whatever the tables are called.
      const pruned = {
        challenges: report.challenges,
        processes: report.processes,
        connectTokens: report.connect_tokens,
        spentTokens: report.spent_tokens,
        consoleSessions: report.console_sessions,
        latencySamples: report.latency_samples,
        instances: report.instances,
      };
      emit(opts.json, { pruned, adoption }, () =>
        `pruned: ${pruned.challenges} challenges, ${pruned.processes} processes, ${pruned.connectTokens} connect tokens, ${pruned.spentTokens} spent tokens, ` +
          `${pruned.consoleSessions} console sessions, ${pruned.latencySamples} latency samples, ${pruned.instances} instances\n` +
        `adoption: ${adoption.rolledDays} days rolled up, ${adoption.prunedEvents} raw events pruned`,
      );
    });
}
