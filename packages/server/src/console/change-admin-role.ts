import type { Ctx } from '../context.js';
import { notFound } from '../errors/latchkey-error.js';
import { inTransaction } from '../store/in-transaction.js';
import { toAdmin, type Admin } from './admins.js';
import { validateRole } from './invites.js';
import { keepAnOwner } from './keep-an-owner.js';

/**
 * Makes an administrator an owner or a viewer; the last owner cannot become a viewer (409
 * last_owner). It takes effect on their next request: a session reads the role afresh each time.
 */
export async function changeAdminRole(ctx: Ctx, adminId: string, role: string): Promise<{ admin: Admin; from: string }> {
  const checked = validateRole(role);
  return inTransaction(ctx, async (txCtx) => {
    const before =
      checked === 'viewer'
        ? await keepAnOwner(txCtx, adminId)
        : await txCtx.store.db.selectFrom('console_admins').selectAll().where('id', '=', adminId).executeTakeFirst();
    if (!before) throw notFound('admin_not_found', `no administrator ${adminId}: they may have been removed already`);
    await txCtx.store.db.updateTable('console_admins').set({ role: checked }).where('id', '=', adminId).execute();
    return { admin: toAdmin({ ...before, role: checked }), from: before.role };
  });
}
