import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Ctx } from '../context.js';
import { hashLookupSecret } from '../secrets/secret-hash.js';
import { nowSeconds } from '../util/clock.js';
import { toAdmin, type Admin } from './admins.js';

/** A session ends after this long without a request… */
export const IDLE_TIMEOUT = 30 * 60;
/** …and this long after its login, whatever the activity. */
export const ABSOLUTE_TIMEOUT = 12 * 60 * 60;
/** Destructive actions need a passkey login this recent. */
export const REAUTH_WINDOW = 5 * 60;
/** last_seen_at is rewritten at most this often: a page of requests costs one write, not one each. */
const TOUCH_EVERY = 30;

export interface ConsoleSession {
  idHash: string;
  admin: Admin;
  csrfToken: string;
  expiresAt: number;
  authenticatedAt: number;
}

const token = () => randomBytes(32).toString('base64url');

/** A new session for a freshly logged-in administrator; the cookie value is never stored, only its hash. */
export async function createSession(ctx: Ctx, adminId: string): Promise<{ cookieValue: string; csrfToken: string }> {
  const cookieValue = token();
  const csrfToken = token();
  const now = nowSeconds(ctx.clock);
  await ctx.store.db
    .insertInto('console_sessions')
    .values({ id_hash: hashLookupSecret(cookieValue), admin_id: adminId, csrf_token: csrfToken, created_at: now, last_seen_at: now, expires_at: now + ABSOLUTE_TIMEOUT, authenticated_at: now })
    .execute();
  await ctx.store.db.updateTable('console_admins').set({ last_login_at: now }).where('id', '=', adminId).execute();
  return { cookieValue, csrfToken };
}

/** The live session a cookie names, or undefined (unknown, idle too long, past its absolute end: deleted then). */
export async function findSession(ctx: Ctx, cookieValue: string): Promise<ConsoleSession | undefined> {
  const idHash = hashLookupSecret(cookieValue);
  const row = await ctx.store.db
    .selectFrom('console_sessions')
    .innerJoin('console_admins', 'console_admins.id', 'console_sessions.admin_id')
    .selectAll('console_sessions')
    .select(['console_admins.email', 'console_admins.role', 'console_admins.user_id', 'console_admins.created_at as admin_created_at', 'console_admins.last_login_at'])
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = nowSeconds(ctx.clock);
  if (now >= row.expires_at || now - row.last_seen_at >= IDLE_TIMEOUT) {
    await endSession(ctx, idHash);
    return undefined;
  }
  if (now - row.last_seen_at >= TOUCH_EVERY) await ctx.store.db.updateTable('console_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  return {
    idHash,
    admin: toAdmin({ id: row.admin_id, email: row.email, role: row.role, user_id: row.user_id, created_at: row.admin_created_at, last_login_at: row.last_login_at }),
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    authenticatedAt: row.authenticated_at,
  };
}

export async function endSession(ctx: Ctx, idHash: string): Promise<void> {
  await ctx.store.db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

/** A fresh passkey login inside the session: destructive actions are allowed for REAUTH_WINDOW. */
export async function markReauthenticated(ctx: Ctx, idHash: string): Promise<number> {
  const now = nowSeconds(ctx.clock);
  await ctx.store.db.updateTable('console_sessions').set({ authenticated_at: now, last_seen_at: now }).where('id_hash', '=', idHash).execute();
  return now;
}

export function csrfTokenMatches(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}
