import type { Ctx } from '../context.js';
import { badRequest } from '../errors/latchkey-error.js';
import { inTransaction } from '../store/in-transaction.js';
import { nowSeconds } from '../util/clock.js';
import { editReachLists, type ReachChanges } from './edit-reach-lists.js';
import { getProject } from './get-project.js';
import type { Project } from './project.js';
import { normalizeOrigin, validateName, validateOrigins, validateRpId, validateTokenTtl } from './validate-settings.js';

export interface UpdateProjectInput extends ReachChanges {
  name?: string;
  rpName?: string;
  /** Replaces the whole origin list. */
  origins?: string[];
  /** Added to the list (already listed ones are kept once). */
  addOrigins?: string[];
  /** Taken off the list; each must be on it. */
  removeOrigins?: string[];
  tokenTtl?: number;
}

/**
 * The RP ID cannot change: every passkey is bound to it, so changing it would strand them all.
 * Every setting is validated as `createProject` validates it, and new origins must still sit under
 * the RP ID. Read and write happen in one transaction that first takes the row's write lock, so that
 * two concurrent `--add-origin`s both land (neither overwrites the other's list).
 */
export async function updateProject(ctx: Ctx, id: string, input: UpdateProjectInput): Promise<Project> {
  const updated = await inTransaction(ctx, async (txCtx) => {
    // A no-op write as the first statement: PostgreSQL locks the row, SQLite takes its write lock,
    // both before the read, so a concurrent update waits and then reads this one's result.
    await txCtx.store.db.updateTable('projects').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', id).execute();
    const current = await getProject(txCtx, id);
    const origins = nextOrigins(current.origins, input);
    validateRpId(current.rpId, origins);
    const reach = await editReachLists(current, input);
    await txCtx.store.db
      .updateTable('projects')
      .set({
        name: input.name !== undefined ? validateName(input.name, 'project name') : current.name,
        rp_name: input.rpName !== undefined ? validateName(input.rpName, 'RP name') : current.rpName,
        origins: JSON.stringify(origins),
        related_origins: JSON.stringify(reach.relatedOrigins),
        android_apps: JSON.stringify(reach.androidApps),
        ios_apps: JSON.stringify(reach.iosApps),
        token_ttl: input.tokenTtl !== undefined ? validateTokenTtl(input.tokenTtl) : current.tokenTtl,
        updated_at: nowSeconds(txCtx.clock),
      })
      .where('id', '=', id)
      .execute();
    return getProject(txCtx, id);
  });
  ctx.projects.forget(id);
  return updated;
}

function nextOrigins(current: string[], input: UpdateProjectInput): string[] {
  let origins = input.origins ? validateOrigins(input.origins) : current;
  if (input.addOrigins) origins = [...origins, ...input.addOrigins.map(normalizeOrigin)];
  for (const removed of (input.removeOrigins ?? []).map(normalizeOrigin)) {
    if (!origins.includes(removed)) {
      throw badRequest('invalid_origin', `${removed} is not one of the project's origins (${origins.join(', ')})`);
    }
    origins = origins.filter((origin) => origin !== removed);
  }
  return validateOrigins(origins);
}
