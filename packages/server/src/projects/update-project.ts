import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { getProject } from './get-project.js';
import type { Project } from './project.js';
import { validateName, validateOrigins, validateRpId, validateTokenTtl } from './validate-settings.js';

export interface UpdateProjectInput {
  name?: string;
  rpName?: string;
  /** Replaces the whole origin list. */
  origins?: string[];
  tokenTtl?: number;
}

/**
 * The RP ID cannot change: every passkey is bound to it, so changing it would strand them all.
 * New origins must still sit under the RP ID.
 */
export async function updateProject(ctx: Ctx, id: string, input: UpdateProjectInput): Promise<Project> {
  const current = await getProject(ctx, id);
  const origins = input.origins ? validateOrigins(input.origins) : current.origins;
  validateRpId(current.rpId, origins);
  await ctx.store.db
    .updateTable('projects')
    .set({
      name: input.name !== undefined ? validateName(input.name, 'project name') : current.name,
      rp_name: input.rpName !== undefined ? validateName(input.rpName, 'RP name') : current.rpName,
      origins: JSON.stringify(origins),
      token_ttl: input.tokenTtl !== undefined ? validateTokenTtl(input.tokenTtl) : current.tokenTtl,
      updated_at: nowSeconds(ctx.clock),
    })
    .where('id', '=', id)
    .execute();
  return getProject(ctx, id);
}
