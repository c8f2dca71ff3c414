import type { Ctx } from '../../context.js';
import type { ClientFacts } from '../../adoption/client-info.js';
import { conflict, gone, notFound } from '../../errors/latchkey-error.js';
import type { ProcessRow } from '../../store/schema.js';
import { prepareQuery } from '../../store/prepare-query.js';
import { nowSeconds } from '../../util/clock.js';
import { ID_PATTERNS, newProcessId } from '../../util/ids.js';
import { PROCESS_TTL } from './lifetimes.js';

export type ProcessKind = 'login' | 'append';

export interface ProcessInput {
  projectId: string;
  kind: ProcessKind;
  userId?: string;
  connectTokenId?: string;
  /** As the page sent it; its size was checked by readClientInfo, which made `facts`. */
  clientInfo?: unknown;
  facts: ClientFacts;
  userAgent?: string;
  conditionalCreate?: boolean;
}

export async function createProcess(ctx: Ctx, input: ProcessInput): Promise<ProcessRow> {
  const row = newProcess(ctx, input);
  await ctx.store.db.insertInto('processes').values(row).execute();
  return row;
}

/** A new process's row, not yet written (for a caller that writes it with other rows). */
export function newProcess(ctx: Ctx, input: ProcessInput): ProcessRow {
  const clientInfo = input.clientInfo === undefined ? null : JSON.stringify(input.clientInfo);
  const now = nowSeconds(ctx.clock);
  return {
    id: newProcessId(),
    project_id: input.projectId,
    kind: input.kind,
    user_id: input.userId ?? null,
    connect_token_id: input.connectTokenId ?? null,
    client_info: clientInfo,
    user_agent: input.userAgent?.slice(0, 512) ?? null,
    created_at: now,
    expires_at: now + PROCESS_TTL,
    completed_at: null,
    device_id: input.facts.deviceId,
    os_family: input.facts.osFamily,
    browser_family: input.facts.browserFamily,
    login_method: null,
    conditional_create: input.conditionalCreate ? 1 : 0,
  };
}

/** The open process of this project and kind, or the reason it cannot continue. */
export async function openProcess(ctx: Ctx, projectId: string, processId: string, kind: ProcessKind): Promise<ProcessRow> {
  const row = isProcessId(processId) ? (await processById.execute(ctx, { processId })).rows[0] : undefined;
  return checkOpen(ctx, row, { projectId, processId, kind });
}

/** Whether `processId` could name a process at all (a caller that reads the process with other rows asks first). */
export const isProcessId = (processId: string): boolean => ID_PATTERNS.process.test(processId);

/**
 * The row of an open process of this project and kind, or the reason it cannot continue
 * (undefined: no such process). For a step that read the process together with other rows.
 */
export function checkOpen(ctx: Ctx, row: ProcessRow | undefined, { projectId, processId, kind }: { projectId: string; processId: string; kind: ProcessKind }): ProcessRow {
  if (!row || row.project_id !== projectId || row.kind !== kind) {
    throw notFound('process_not_found', `no ${kind} process ${processId}; start again with ${kind}/init`);
  }
  if (row.completed_at !== null) throw conflict('process_completed', `${kind} process ${processId} has already completed; start again with ${kind}/init`);
  if (row.expires_at <= nowSeconds(ctx.clock)) throw gone('process_expired', `${kind} process ${processId} has expired; start again with ${kind}/init`);
  return row;
}

/** Marks the process done, once: a second completion (a replayed finish) is a conflict. */
export async function completeProcess(ctx: Ctx, processId: string): Promise<void> {
  const result = await completeOnce.execute(ctx, { processId, now: nowSeconds(ctx.clock) });
  if (Number(result.numAffectedRows ?? 0) !== 1) throw processCompleted(processId);
}

/** A second completion of a process (a replayed finish). */
export const processCompleted = (processId: string) => conflict('process_completed', `process ${processId} has already completed`);

/** Every login and append step reads its process (compiled once, see prepareQuery). */
const processById = prepareQuery((db, args: { processId: string }) => db.selectFrom('processes').selectAll().where('id', '=', args.processId));

/** completeProcess's UPDATE, compiled, for a caller that runs it with its own writes (one row changed: completed now). */
export const completeOnceQuery = (ctx: Ctx, processId: string) => completeOnce.compiled(ctx, { processId, now: nowSeconds(ctx.clock) });

const completeOnce = prepareQuery((db, args: { processId: string; now: number }) =>
  db.updateTable('processes').set({ completed_at: args.now }).where('id', '=', args.processId).where('completed_at', 'is', null),
);

/** A process row's INSERT, compiled once (see prepareQuery): `insertProcess.compiled(ctx, row)`. */
export const insertProcess = prepareQuery((db, row: ProcessRow & Record<string, unknown>) =>
  db.insertInto('processes').values({
    id: row.id,
    project_id: row.project_id,
    kind: row.kind,
    user_id: row.user_id,
    connect_token_id: row.connect_token_id,
    client_info: row.client_info,
    user_agent: row.user_agent,
    created_at: row.created_at,
    expires_at: row.expires_at,
    completed_at: row.completed_at,
    device_id: row.device_id,
    os_family: row.os_family,
    browser_family: row.browser_family,
    login_method: row.login_method,
    conditional_create: row.conditional_create,
  }),
);
