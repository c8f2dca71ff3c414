import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import { badRequest } from '../errors/latchkey-error.js';
import type { UserRow } from '../store/schema.js';
import { prefixSuccessor } from './prefix-successor.js';

const CURSOR = /^idf\.([A-Za-z0-9_-]{1,1400})$/;

/** The page's last identifier as an opaque cursor (identifiers are unique within a project). */
export const identifierCursor = (identifier: string): string => `idf.${Buffer.from(identifier, 'utf8').toString('base64url')}`;

function afterOf(cursor: string): string {
  const match = CURSOR.exec(cursor);
  const decoded = match ? Buffer.from(match[1]!, 'base64url').toString('utf8') : '';
  if (!match || decoded.length === 0 || identifierCursor(decoded) !== cursor) throw badRequest('invalid_cursor', 'cursor is not one this API returned');
  return decoded;
}

/**
 * Users whose identifier starts with `prefix`, exactly as the store keeps it (case and all), in
 * identifier order, `limit` at a time after the cursor. A range over the (project_id, identifier)
 * index on SQLite (BINARY = code point order) and over users_project_identifier_c on PostgreSQL
 * (compared under COLLATE "C", the same order whatever the database's collation): see
 * migrations/0005-user-prefix-search.ts.
 */
export async function searchUsersByPrefix(ctx: Ctx, projectId: string, options: { prefix: string; cursor?: string; limit: number }): Promise<{ users: UserRow[]; nextCursor: string | null }> {
  const users = await prefixQuery(ctx, projectId, options.prefix, options.cursor === undefined ? undefined : afterOf(options.cursor), options.limit + 1).execute();
  const more = users.length > options.limit;
  const page = users.slice(0, options.limit);
  return { users: page, nextCursor: more ? identifierCursor(page.at(-1)!.identifier) : null };
}

/** The query alone, for test/user-search.test.ts to EXPLAIN on both stores. */
export function prefixQuery(ctx: Ctx, projectId: string, prefix: string, after: string | undefined, limit: number) {
  const identifier = ctx.store.dialect === 'postgres' ? sql<string>`identifier collate "C"` : sql<string>`identifier`;
  const upper = prefixSuccessor(prefix);
  let query = ctx.store.db.selectFrom('users').selectAll().where('project_id', '=', projectId).where(identifier, '>=', prefix);
  if (upper !== undefined) query = query.where(identifier, '<', upper);
  if (after !== undefined) query = query.where(identifier, '>', after);
  return query.orderBy(identifier).limit(limit);
}
