import type { Ctx } from '../../context.js';
import { prepareQuery } from '../../store/prepare-query.js';
import { nowSeconds } from '../../util/clock.js';

export const SECONDS_PER_DAY = 86_400;

export interface AdoptionEventInput {
  projectId: string;
  /** 'server': Latchkey saw it happen; 'client': the page or the app's backend reported it. */
  source: 'server' | 'client';
  type: string;
  method?: string | null;
  reason?: string | null;
  result?: string | null;
  osFamily?: string | null;
  browserFamily?: string | null;
  deviceId?: string | null;
  processId?: string | null;
  userId?: string | null;
  identifierHash?: string | null;
}

/** One raw row of the funnel; the time is always the server's (a client's clock proves nothing). */
export function adoptionRow(ctx: Ctx, e: AdoptionEventInput) {
  const now = nowSeconds(ctx.clock);
  return {
    project_id: e.projectId,
    day: Math.floor(now / SECONDS_PER_DAY),
    source: e.source,
    type: e.type,
    method: e.method ?? '',
    reason: e.reason ?? '',
    result: e.result ?? '',
    os_family: e.osFamily ?? 'unknown',
    browser_family: e.browserFamily ?? 'unknown',
    device_id: e.deviceId ?? null,
    process_id: e.processId ?? null,
    user_id: e.userId ?? null,
    identifier_hash: e.identifierHash ?? null,
    created_at: now,
  };
}

/** Records a fact of the funnel that the server itself witnessed (an append, a passkey login, a dismissal). */
export async function recordAdoptionEvent(ctx: Ctx, event: AdoptionEventInput): Promise<void> {
  await insertAdoptionEvent.execute(ctx, adoptionRow(ctx, event));
}

/** The INSERT of one funnel event, compiled, for a caller that runs it with its own writes. */
export const adoptionInsert = (ctx: Ctx, event: AdoptionEventInput) => insertAdoptionEvent.compiled(ctx, adoptionRow(ctx, event));

/** Every login and append writes one (compiled once, see prepareQuery). */
const insertAdoptionEvent = prepareQuery((db, row: ReturnType<typeof adoptionRow>) =>
  db.insertInto('adoption_events').values({
    project_id: row.project_id,
    day: row.day,
    source: row.source,
    type: row.type,
    method: row.method,
    reason: row.reason,
    result: row.result,
    os_family: row.os_family,
    browser_family: row.browser_family,
    device_id: row.device_id,
    process_id: row.process_id,
    user_id: row.user_id,
    identifier_hash: row.identifier_hash,
    created_at: row.created_at,
  }),
);

/** A server-witnessed fact of a process: the device and families come from the process's clientInfo. */
export async function recordProcessFact(
  ctx: Ctx,
  process: FactProcess,
  fact: ProcessFact,
): Promise<void> {
  await recordAdoptionEvent(ctx, processFact(process, fact));
}

/** What a process tells the funnel about where a fact happened. */
type FactProcess = { id: string; project_id: string; user_id: string | null; device_id: string | null; os_family: string | null; browser_family: string | null };

export interface ProcessFact {
  type: string;
  method?: string;
  userId?: string | null;
}

/** The funnel row of a fact of a process, for a caller that writes it with other rows. */
export function processFact(
  process: FactProcess,
  fact: ProcessFact,
): AdoptionEventInput {
  return {
    projectId: process.project_id,
    source: 'server',
    type: fact.type,
    method: fact.method ?? null,
    osFamily: process.os_family,
    browserFamily: process.browser_family,
    deviceId: process.device_id,
    processId: process.id,
    userId: fact.userId ?? process.user_id,
  };
}
