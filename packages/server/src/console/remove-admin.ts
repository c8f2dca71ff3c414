import type { Ctx } from '../context.js';
import { inTransaction } from '../store/in-transaction.js';
import { deleteUser } from '../users/users.js';
import { toAdmin, type Admin } from './admins.js';
import { keepAnOwner } from './keep-an-owner.js';

/**
 * Removes an administrator: their sessions end at once (the next request of their browser is a
 * 401), and their user in the console's project goes with its passkeys, so that an old passkey
 * does not come back to life if the same email is invited again. The last owner cannot be removed.
 */
export async function removeAdmin(ctx: Ctx, consoleProjectId: string, adminId: string): Promise<Admin> {
  return inTransaction(ctx, async (txCtx) => {
    const target = await keepAnOwner(txCtx, adminId);
    await txCtx.store.db.deleteFrom('console_sessions').where('admin_id', '=', adminId).execute();
    await txCtx.store.db.deleteFrom('console_admins').where('id', '=', adminId).execute();
    if (target.user_id) {
      const user = await txCtx.store.db.selectFrom('users').select('id').where('id', '=', target.user_id).where('project_id', '=', consoleProjectId).executeTakeFirst();
      if (user) await deleteUser(txCtx, consoleProjectId, user.id);
    }
    return toAdmin(target);
  });
}
