import type { Ctx } from '../context.js';
import { badRequest } from '../errors/latchkey-error.js';
import type { PasskeyEvent } from './list-events.js';

export interface EventSearch {
  type?: string;
  userId?: string;
  /** Unix seconds, inclusive. */
  from?: number;
  /** Unix seconds, exclusive. */
  to?: number;
  cursor?: string;
  limit: number;
}

const encodeCursor = (seq: number) => Buffer.from(`b${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^b(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw badRequest('invalid_cursor', 'cursor is not one this API returned');
  return Number(match[1]);
}

/**
 * Newest first, for a person looking at what just happened (the Backend API's listEvents reads
 * oldest first, for a poller). The cursor is the last row's sequence number, so paging stays
 * cheap at any depth: an index range on (project_id, id), never an OFFSET.
 */
export async function searchEvents(ctx: Ctx, projectId: string, search: EventSearch): Promise<{ events: PasskeyEvent[]; nextCursor: string | null }> {
  let query = ctx.store.db.selectFrom('passkey_events').selectAll().where('project_id', '=', projectId);
  if (search.type !== undefined) query = query.where('type', '=', search.type);
  if (search.userId !== undefined) query = query.where('user_id', '=', search.userId);
  if (search.from !== undefined) query = query.where('created_at', '>=', search.from);
  if (search.to !== undefined) query = query.where('created_at', '<', search.to);
  if (search.cursor !== undefined) query = query.where('id', '<', decodeCursor(search.cursor));
  const rows = await query.orderBy('id', 'desc').limit(search.limit).execute();
  const last = rows.at(-1);
  return {
    events: rows.map((row) => ({
      id: `evt-${row.id}`,
      type: row.type as PasskeyEvent["type"],
      userID: row.user_id,
      credentialID: row.credential_id,
      processId: row.process_id,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {},
      createdAt: row.created_at,
    })),
    nextCursor: last && rows.length === search.limit ? encodeCursor(last.id) : null,
  };
}
