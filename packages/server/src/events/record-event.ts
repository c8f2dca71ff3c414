import type { Ctx } from '../context.js';
import { prepareQuery } from '../store/prepare-query.js';
import { nowSeconds } from '../util/clock.js';

/** Every type of the audit trail (GET /v2/passkeyEvents); the contract's `PasskeyEventType`. */
export const PASSKEY_EVENT_TYPES = [
  'passkey-appended',
  'append-failed',
  'login-succeeded',
  'login-failed',
  'passkey-deleted',
  'passkey-renamed',
  'user-updated',
  'user-deleted',
  'connect-token-revoked',
  'token-verified',
  'token-refused',
  'policy-changed',
  'attestation-policy-changed',
  'passkeys-imported',
  'console-action',
] as const;

export type PasskeyEventType = (typeof PASSKEY_EVENT_TYPES)[number];

export interface EventInput {
  projectId: string;
  type: PasskeyEventType;
  userId?: string | null;
  credentialId?: string | null;
  processId?: string | null;
  detail?: Record<string, unknown>;
}

export interface PasskeyEventRow {
  project_id: string;
  user_id: string | null;
  type: PasskeyEventType;
  credential_id: string | null;
  process_id: string | null;
  detail: string | null;
  created_at: number;
}

/** The row of an event, timed now (when it happened, not when it is written). */
export function eventRow(ctx: Ctx, event: EventInput): PasskeyEventRow {
  return {
    project_id: event.projectId,
    user_id: event.userId ?? null,
    type: event.type,
    credential_id: event.credentialId ?? null,
    process_id: event.processId ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
    created_at: nowSeconds(ctx.clock),
  };
}

/**
 * Appends one entry to the audit trail, now, in the caller's transaction when there is one.
 * Entries are never updated or deleted (user deletion keeps them).
 */
export async function recordEvent(ctx: Ctx, event: EventInput): Promise<void> {
  // Queued refusals first, so the trail keeps this instance's order (inTransaction does the same).
  if (ctx.events?.size && !ctx.store.db.isTransaction) await ctx.events.flush();
  await insertEvent.execute(ctx, { ...eventRow(ctx, event) });
}

/** The INSERT of one event row, compiled, for a caller that runs it with its own writes (spend-token.ts). */
export const eventInsert = (ctx: Ctx, event: EventInput) => insertEvent.compiled(ctx, { ...eventRow(ctx, event) });

/** One event row; every login and verification writes one (compiled once, see prepareQuery). */
const insertEvent = prepareQuery((db, row: PasskeyEventRow & Record<string, unknown>) =>
  db.insertInto('passkey_events').values({
    project_id: row.project_id,
    user_id: row.user_id,
    type: row.type,
    credential_id: row.credential_id,
    process_id: row.process_id,
    detail: row.detail,
    created_at: row.created_at,
  }),
);

/**
 * Appends a refusal to the audit trail through the server's write-behind queue (events/event-queue.ts):
 * written within the queue's flush interval, with others, in one statement. Only for refusals: a
 * crash may lose the last interval's refusals, never a success. Without a queue (the CLI), or inside
 * a transaction (the entry then commits or rolls back with it), it is written at once.
 */
export async function recordRefusal(ctx: Ctx, event: EventInput): Promise<void> {
  if (ctx.events?.defers && !ctx.store.db.isTransaction) ctx.events.enqueue(eventRow(ctx, event));
  else await recordEvent(ctx, event);
}
