import type { Ctx } from '../context.js';
import { toAdmin, type Admin } from './admins.js';

export interface AdminListing extends Admin {
  createdAt: number;
  lastLoginAt: number | null;
  /** They redeemed their invite and registered a passkey (until then they cannot sign in). */
  hasPasskey: boolean;
}

/** Every administrator, owners first, then by email: a short list (people, not users). */
export async function listAdmins(ctx: Ctx): Promise<AdminListing[]> {
  const rows = await ctx.store.db.selectFrom('console_admins').selectAll().orderBy('role').orderBy('email').execute();
  return rows.map((row) => ({ ...toAdmin(row), createdAt: row.created_at, lastLoginAt: row.last_login_at, hasPasskey: row.user_id !== null }));
}
