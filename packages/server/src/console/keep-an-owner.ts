import type { Ctx } from '../context.js';
import { conflict, notFound } from '../errors/latchkey-error.js';
import type { ConsoleAdminRow } from '../store/schema.js';

/**
 * Inside a transaction, before `adminId` stops being an owner (removed or demoted): refuses when
 * no other owner would be left, since nobody could then invite, promote or change anything.
 * On PostgreSQL the owners' rows are locked (FOR UPDATE), so that two owners demoting each other at
 * once cannot both pass: the second waits, then sees the first's change. SQLite writers already
 * run one at a time (BEGIN IMMEDIATE).
 */
export async function keepAnOwner(txCtx: Ctx, adminId: string): Promise<ConsoleAdminRow> {
  let owners = txCtx.store.db.selectFrom('console_admins').select('id').where('role', '=', 'owner');
  if (txCtx.store.dialect === 'postgres') owners = owners.forUpdate();
  const ownerIds = (await owners.execute()).map((row) => row.id);
  const target = await txCtx.store.db.selectFrom('console_admins').selectAll().where('id', '=', adminId).executeTakeFirst();
  if (!target) throw notFound('admin_not_found', `no administrator ${adminId}: they may have been removed already`);
  if (target.role === 'owner' && ownerIds.filter((id) => id !== adminId).length === 0) {
    throw conflict('last_owner', `${target.email} is the last owner: make another administrator an owner first (invite one, or change a viewer's role)`);
  }
  return target;
}
