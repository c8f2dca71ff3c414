import type { Ctx } from '../context.js';
import { badRequest } from '../errors/latchkey-error.js';
import type { PasskeyEventType } from './record-event.js';

export interface PasskeyEvent {
  id: string;
  type: PasskeyEventType;
  userID: string | null;
  credentialID: string | null;
  processId: string | null;
  detail: Record<string, unknown>;
  createdAt: number;
}

/** Cursors are opaque to clients: the last event's sequence number, base64url-wrapped. */
const encodeCursor = (seq: number) => Buffer.from(`e${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^e(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw badRequest('invalid_cursor', 'cursor is not one this API returned');
  return Number(match[1]);
}

/** Oldest first, so that following `nextCursor` reads the trail in order and picks up new entries later. */
export async function listEvents(
  ctx: Ctx,
  projectId: string,
  options: { userId?: string; cursor?: string; limit: number },
): Promise<{ passkeyEvents: PasskeyEvent[]; nextCursor: string | null }> {
  // Refusals this instance has queued are written first: a reader sees every event recorded here.
  await ctx.events?.flush();
  let query = ctx.store.db.selectFrom('passkey_events').selectAll().where('project_id', '=', projectId);
  if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
  if (options.cursor !== undefined) query = query.where('id', '>', decodeCursor(options.cursor));
  const rows = await query.orderBy('id').limit(options.limit).execute();
  const last = rows.at(-1);
  return {
    passkeyEvents: rows.map((row) => ({
      id: `evt-${row.id}`,
      // Only recordEvent writes the column, always with one of PASSKEY_EVENT_TYPES.
      type: row.type as PasskeyEventType,
      userID: row.user_id,
      credentialID: row.credential_id,
      processId: row.process_id,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {},
      createdAt: row.created_at,
    })),
    // Always hand out a cursor when there were rows: an audit reader polls it for what comes next.
    nextCursor: last ? encodeCursor(last.id) : (options.cursor ?? null),
  };
}
