import { badRequest } from '../../errors/latchkey-error.js';
import { nowSeconds, type Clock } from '../../util/clock.js';
import { SECONDS_PER_DAY } from '../events/record-adoption-event.js';
import { dayNumber, dayString } from './funnel.js';

/** Ten years: the report reads daily aggregates, so even this is a few thousand rows. */
const MAX_DAYS = 3660;
export const DEFAULT_DAYS = 30;

/** from/to as YYYY-MM-DD (UTC days, both included); default: the last 30 days up to today. */
export function funnelRange(clock: Clock, from: string | undefined, to: string | undefined): { fromDay: number; toDay: number } {
  const today = Math.floor(nowSeconds(clock) / SECONDS_PER_DAY);
  const toDay = to === undefined ? today : parseDay('to', to);
  const fromDay = from === undefined ? toDay - (DEFAULT_DAYS - 1) : parseDay('from', from);
  if (fromDay > toDay) throw badRequest('invalid_range', `from (${dayString(fromDay)}) is after to (${dayString(toDay)})`);
  if (toDay - fromDay + 1 > MAX_DAYS) throw badRequest('invalid_range', `a report spans at most ${MAX_DAYS} days`);
  return { fromDay, toDay };
}

function parseDay(name: string, value: string): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? dayNumber(value) : NaN;
  // Date.parse rolls 2026-02-30 over to March: a date that does not read back the same is not a date.
  if (!Number.isFinite(day) || dayString(day) !== value) throw badRequest('invalid_date', `${name} must be a date as YYYY-MM-DD, got "${value}"`);
  return day;
}
