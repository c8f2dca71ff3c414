import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import { funnel, dayString, type FunnelRow } from '../adoption/analytics/funnel.js';
import { SECONDS_PER_DAY } from '../adoption/events/record-adoption-event.js';
import { nowSeconds } from '../util/clock.js';

const COUNTED = ['login-succeeded', 'login-failed', 'passkey-appended', 'append-failed', 'token-verified', 'token-refused'] as const;
/** Refusals read row by row (their reason is in the detail): bounded, failures are the minority. */
const MAX_REFUSAL_ROWS = 50_000;

export interface ConsoleCharts {
  days: string[];
  /** From the adoption analytics (docs/adoption.md): logins by method, passkey login rate, appends. */
  funnel: FunnelRow[];
  /** From the audit trail: per type, one count per day. */
  events: Record<string, number[]>;
  refusalReasons: Record<string, number>;
  verifyResults: Record<string, number>;
}

/** What the console draws for one project over the last `days` whole UTC days (today included). */
export async function consoleCharts(ctx: Ctx, projectId: string, daysBack: number): Promise<ConsoleCharts> {
  const toDay = Math.floor(nowSeconds(ctx.clock) / SECONDS_PER_DAY);
  const fromDay = toDay - daysBack + 1;
  const from = fromDay * SECONDS_PER_DAY;
  const days = Array.from({ length: daysBack }, (_, i) => dayString(fromDay + i));
  const events: Record<string, number[]> = Object.fromEntries(COUNTED.map((type) => [type, days.map(() => 0)]));
  const counts = await ctx.store.db
    .selectFrom('passkey_events')
    .select(['type', sql<number>`created_at / ${sql.lit(SECONDS_PER_DAY)}`.as('day'), (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('project_id', '=', projectId)
    .where('created_at', '>=', from)
    .where('type', 'in', [...COUNTED])
    .groupBy(['type', sql`created_at / ${sql.lit(SECONDS_PER_DAY)}`])
    .execute();
  for (const row of counts) {
    const series = events[row.type];
    const index = Math.floor(Number(row.day)) - fromDay;
    if (series && index >= 0 && index < daysBack) series[index] = Number(row.n);
  }
  const refusals = await ctx.store.db
    .selectFrom('passkey_events')
    .select(['type', 'detail'])
    .where('project_id', '=', projectId)
    .where('created_at', '>=', from)
    .where('type', 'in', ['login-failed', 'append-failed', 'token-refused'])
    .limit(MAX_REFUSAL_ROWS)
    .execute();
  const refusalReasons: Record<string, number> = {};
  const verified = events['token-verified']!.reduce((a, b) => a + b, 0);
  const verifyResults: Record<string, number> = verified > 0 ? { success: verified } : {};
  for (const row of refusals) {
    const detail = row.detail ? (JSON.parse(row.detail) as { reason?: string; result?: string }) : {};
    if (row.type === 'token-refused') verifyResults[detail.result ?? 'unknown'] = (verifyResults[detail.result ?? 'unknown'] ?? 0) + 1;
    else refusalReasons[detail.reason ?? 'unknown'] = (refusalReasons[detail.reason ?? 'unknown'] ?? 0) + 1;
  }
  const adoption = await funnel(ctx, projectId, { fromDay, toDay, groupBy: 'day' });
  return { days, funnel: adoption.rows, events, refusalReasons, verifyResults };
}
