import { InvalidArgumentError, type Command } from 'commander';
import type { Funnel, FunnelRow } from '../../adoption/analytics/funnel.js';
import { withStore } from '../cli-context.js';
import { emit, table } from '../output.js';

const grouping = (value: string): 'day' | 'platform' => {
  if (value === 'day' || value === 'platform') return value;
  throw new InvalidArgumentError('must be day or platform');
};

const reasons = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');

function render(report: Funnel, by: 'day' | 'platform'): string {
  if (report.rows.length === 0) return `no adoption events from ${report.from} to ${report.to}\nusers with a passkey: ${report.usersWithPasskey}`;
  const head = [by === 'day' ? 'DAY' : 'PLATFORM', 'OFFERS', 'STARTED', 'ADDED', 'DECLINED', 'PK ID-FIRST', 'PK AUTOFILL', 'PK ONE-TAP', 'PASSWORD', 'PK RATE'];
  const line = (r: FunnelRow) => [
    (by === 'day' ? r.day : r.osFamily) ?? '',
    ...[r.offers, r.appendsStarted, r.appendsCompleted, r.appendsDeclined, r.logins.passkeyIdentifier, r.logins.passkeyConditionalUI, r.logins.passkeyOneTap, r.logins.password].map(String),
    `${(r.passkeyLoginRate * 100).toFixed(1)} %`,
  ];
  const notes = report.rows.flatMap((r) => {
    const label = (by === 'day' ? r.day : r.osFamily) ?? '';
    return [
      ...(Object.keys(r.fallbackReasons).length ? [`${label} fallbacks: ${reasons(r.fallbackReasons)}`] : []),
      ...(Object.keys(r.errorReasons).length ? [`${label} errors: ${reasons(r.errorReasons)}`] : []),
    ];
  });
  return [
    `adoption from ${report.from} to ${report.to}`,
    table([head, ...report.rows.map(line)]),
    ...(notes.length ? ['', ...notes] : []),
    '',
    `users with a passkey: ${report.usersWithPasskey}`,
  ].join('\n');
}

export function reportCommands(program: Command): void {
  program
    .command('report')
    .description('the adoption funnel: offers, passkeys added, logins by method, passkey login rate, fallback and error reasons')
    .requiredOption('--project <id>', 'project id (pro-…)')
    .option('--from <date>', 'first day, YYYY-MM-DD (UTC; default 29 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (UTC; default today)')
    .option('--by <grouping>', 'day or platform (OS family); default day', grouping)
    .option('--json', 'print one JSON object (the Backend API’s GET /v2/analytics/funnel answer)')
    .action(async (opts: { project: string; from?: string; to?: string; by?: 'day' | 'platform'; json?: boolean }) => {
      const by = opts.by ?? 'day';
      const [{ funnel }, { funnelRange }, { getProject }] = await Promise.all([
        import('../../adoption/analytics/funnel.js'),
        import('../../adoption/analytics/funnel-range.js'),
        import('../../projects/get-project.js'),
      ]);
      const report = await withStore(async (ctx) => {
        await getProject(ctx, opts.project);
        return funnel(ctx, opts.project, { ...funnelRange(ctx.clock, opts.from, opts.to), groupBy: by });
      });
      emit(opts.json, report, () => render(report, by));
    });
}
