import type { Ctx } from '../../context.js';
import { SECONDS_PER_DAY } from '../events/record-adoption-event.js';

export type FunnelGrouping = 'day' | 'platform' | 'day,platform';

export interface FunnelRow {
  day?: string;
  osFamily?: string;
  offers: number;
  appendsStarted: number;
  appendsCompleted: number;
  appendsDeclined: number;
  logins: { passkeyIdentifier: number; passkeyConditionalUI: number; passkeyOneTap: number; password: number };
  /** Passkey logins / all logins (passkey + password), 0–1; 0 when there were none. */
  passkeyLoginRate: number;
  /** Automatic upgrades as the browser reported them. */
  conditionalCreates: { created: number; failed: number; unsupported: number };
  fallbackReasons: Record<string, number>;
  errorReasons: Record<string, number>;
}

export interface Funnel {
  from: string;
  to: string;
  rows: FunnelRow[];
  /** Users of the project with at least one passkey now. */
  usersWithPasskey: number;
}

interface Count {
  day: number;
  os_family: string;
  source: string;
  type: string;
  method: string;
  reason: string;
  result: string;
  count: number | string | bigint;
}

export const dayNumber = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000 / SECONDS_PER_DAY);
export const dayString = (day: number): string => new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);

/**
 * The adoption funnel over whole UTC days `fromDay`…`toDay`. Days already rolled up are read from
 * the daily aggregates; only the others (today, and days housekeeping has not reached yet) from
 * the raw events. What the server witnessed (appends started and completed, passkey logins by
 * method, dismissals) is counted from its own rows; what only a browser or the app sees (offers
 * shown, declines without dismiss, fallbacks, errors, password logins) from reported events.
 */
export async function funnel(ctx: Ctx, projectId: string, input: { fromDay: number; toDay: number; groupBy: FunnelGrouping }): Promise<Funnel> {
  const { fromDay, toDay } = input;
  const rolled = (
    await ctx.store.db.selectFrom('adoption_rollups').select('day').where('day', '>=', fromDay).where('day', '<=', toDay).execute()
  ).map((r) => Number(r.day));
  const fields = ['day', 'os_family', 'source', 'type', 'method', 'reason', 'result'] as const;
  const aggregated: Count[] =
    rolled.length === 0
      ? []
      : await ctx.store.db
          .selectFrom('adoption_daily')
          .select([...fields, 'count'])
          .where('project_id', '=', projectId)
          .where('day', '>=', fromDay)
          .where('day', '<=', toDay)
          .execute();
  // Raw rows only for the days not rolled up, as index ranges (usually one: the last days up to
  // today), so that a rolled-up year is never scanned row by row.
  const segments = unrolledSegments(fromDay, toDay, new Set(rolled));
  const fresh: Count[] =
    segments.length === 0
      ? []
      : await ctx.store.db
          .selectFrom('adoption_events')
          .select([...fields, (eb) => eb.fn.countAll<number>().as('count')])
          .where('project_id', '=', projectId)
          .where((eb) => eb.or(segments.map(([from, to]) => eb.and([eb('day', '>=', from), eb('day', '<=', to)]))))
          .groupBy([...fields])
          .execute();

  const rows = new Map<string, FunnelRow>();
  for (const c of [...aggregated, ...fresh]) {
    const key = input.groupBy === 'day' ? String(c.day) : input.groupBy === 'platform' ? c.os_family : `${c.day}/${c.os_family}`;
    let row = rows.get(key);
    if (!row) {
      row = emptyRow(input.groupBy, c);
      rows.set(key, row);
    }
    add(row, c, Number(c.count));
  }
  for (const row of rows.values()) {
    const passkey = row.logins.passkeyIdentifier + row.logins.passkeyConditionalUI + row.logins.passkeyOneTap;
    const all = passkey + row.logins.password;
    row.passkeyLoginRate = all === 0 ? 0 : Math.round((passkey / all) * 10_000) / 10_000;
  }
  const users = await ctx.store.db
    .selectFrom('credentials')
    .select((eb) => eb.fn.count<number>('user_id').distinct().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  const ordered = [...rows.values()].sort((a, b) => `${a.day ?? ''}/${a.osFamily ?? ''}`.localeCompare(`${b.day ?? ''}/${b.osFamily ?? ''}`));
  return { from: dayString(fromDay), to: dayString(toDay), rows: ordered, usersWithPasskey: Number(users?.n ?? 0) };
}

/** The maximal runs of days in fromDay…toDay that are not in `rolled`. */
function unrolledSegments(fromDay: number, toDay: number, rolled: Set<number>): Array<[number, number]> {
  const segments: Array<[number, number]> = [];
  for (let day = fromDay; day <= toDay; day++) {
    if (rolled.has(day)) continue;
    const last = segments.at(-1);
    if (last && last[1] === day - 1) last[1] = day;
    else segments.push([day, day]);
  }
  return segments;
}

function emptyRow(groupBy: FunnelGrouping, c: Count): FunnelRow {
  return {
    ...(groupBy !== 'platform' ? { day: dayString(Number(c.day)) } : {}),
    ...(groupBy !== 'day' ? { osFamily: c.os_family } : {}),
    offers: 0,
    appendsStarted: 0,
    appendsCompleted: 0,
    appendsDeclined: 0,
    logins: { passkeyIdentifier: 0, passkeyConditionalUI: 0, passkeyOneTap: 0, password: 0 },
    passkeyLoginRate: 0,
    conditionalCreates: { created: 0, failed: 0, unsupported: 0 },
    // No prototype: a reported reason such as "__proto__" is just another key.
    fallbackReasons: Object.create(null) as Record<string, number>,
    errorReasons: Object.create(null) as Record<string, number>,
  };
}

/** Where each kind of count goes. Client reports of what the server witnessed are not counted twice. */
function add(row: FunnelRow, c: Count, n: number): void {
  const key = `${c.source}:${c.type}`;
  switch (key) {
    case 'client:offer-shown':
      row.offers += n;
      break;
    case 'server:append-started':
      row.appendsStarted += n;
      break;
    case 'server:append-completed':
      row.appendsCompleted += n;
      break;
    case 'server:offer-declined':
    case 'client:offer-declined':
      row.appendsDeclined += n;
      break;
    case 'server:login-completed':
      if (c.method === 'conditional-ui') row.logins.passkeyConditionalUI += n;
      else if (c.method === 'one-tap') row.logins.passkeyOneTap += n;
      else row.logins.passkeyIdentifier += n;
      break;
    case 'client:password-login':
      row.logins.password += n;
      break;
    case 'client:conditional-create':
      if (c.result === 'created' || c.result === 'failed' || c.result === 'unsupported') row.conditionalCreates[c.result] += n;
      break;
    case 'client:fallback':
      bump(row.fallbackReasons, c.reason || 'unknown', n);
      break;
    case 'client:error':
      bump(row.errorReasons, c.reason || 'unknown', n);
      break;
    default:
      break;
  }
}

const bump = (counts: Record<string, number>, key: string, n: number) => {
  counts[key] = (counts[key] ?? 0) + n;
};
