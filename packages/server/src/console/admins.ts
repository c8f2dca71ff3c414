import type { Ctx } from '../context.js';
import type { ConsoleAdminRow } from '../store/schema.js';

export const ROLES = ['owner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** An administrator as the console's API shows them. */
export interface Admin {
  id: string;
  email: string;
  role: Role;
  userId: string | null;
}

export const toAdmin = (row: ConsoleAdminRow): Admin => ({ id: row.id, email: row.email, role: row.role === 'owner' ? 'owner' : 'viewer', userId: row.user_id });

export async function findAdminByUserId(ctx: Ctx, userId: string): Promise<Admin | undefined> {
  const row = await ctx.store.db.selectFrom('console_admins').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row && toAdmin(row);
}
