import type { Ctx } from '../context.js';
import { conflict, notFound } from '../errors/latchkey-error.js';
import { getProject } from '../projects/get-project.js';
import { nowSeconds } from '../util/clock.js';

/**
 * Takes a rotated key out of the JWKS now instead of at its scheduled retirement (a key believed
 * leaked). Tokens it signed then verify as `expired`. The active key cannot be retired: rotate first.
 */
export async function retireSigningKey(ctx: Ctx, projectId: string, kid: string): Promise<void> {
  await getProject(ctx, projectId);
  const row = await ctx.store.db.selectFrom('signing_keys').selectAll().where('project_id', '=', projectId).where('id', '=', kid).executeTakeFirst();
  if (!row) throw notFound('signing_key_not_found', `project ${projectId} has no signing key ${kid}`);
  if (row.rotated_at === null) throw conflict('signing_key_active', `${kid} is the active signing key: rotate first, then retire it`);
  const now = nowSeconds(ctx.clock);
  if (row.retire_at !== null && row.retire_at <= now) return;
  await ctx.store.db.updateTable('signing_keys').set({ retire_at: now }).where('id', '=', kid).execute();
}
