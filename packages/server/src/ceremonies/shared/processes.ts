import type { Ctx } from '../../context.js';
import type { ClientFacts } from '../../adoption/client-info.js';
import { conflict, gone, notFound } from '../../errors/latchkey-error.js';
import type { ProcessRow } from '../../store/schema.js';
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
  const row = ID_PATTERNS.process.test(processId)
    ? await ctx.store.db.selectFrom('processes').selectAll().where('id', '=', processId).executeTakeFirst()
    : undefined;
  if (!row || row.project_id !== projectId || row.kind !== kind) {
    throw notFound('process_not_found', `no ${kind} process ${processId}; start again with ${kind}/init`);
  }
  if (row.completed_at !== null) throw conflict('process_completed', `${kind} process ${processId} has already completed; start again with ${kind}/init`);
  if (row.expires_at <= nowSeconds(ctx.clock)) throw gone('process_expired', `${kind} process ${processId} has expired; start again with ${kind}/init`);
  return row;
}

/** Marks the process done, once: a second completion (a replayed finish) is a conflict. */
export async function completeProcess(ctx: Ctx, processId: string): Promise<void> {
  const result = await ctx.store.db
    .updateTable('processes')
    .set({ completed_at: nowSeconds(ctx.clock) })
    .where('id', '=', processId)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw conflict('process_completed', `process ${processId} has already completed`);
}
