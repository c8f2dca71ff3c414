import type { Ctx } from '../context.js';
import { createApiSecret, type CreatedApiSecret } from '../secrets/create-api-secret.js';
import { createSigningKey } from '../keys/create-signing-key.js';
import { inTransaction } from '../store/in-transaction.js';
import { nowSeconds } from '../util/clock.js';
import { newProjectId } from '../util/ids.js';
import { DEFAULT_TOKEN_TTL, type Project } from './project.js';
import { editReachLists } from './edit-reach-lists.js';
import { getProject } from './get-project.js';
import { validateName, validateOrigins, validateRpId, validateTokenTtl } from './validate-settings.js';

export interface CreateProjectInput {
  name: string;
  rpId: string;
  origins: string[];
  rpName?: string;
  tokenTtl?: number;
  /** Related origins (other domains under the RP ID). */
  relatedOrigins?: string[];
  /** `<package.name>:<SHA-256 colon hex>` each. */
  androidApps?: string[];
  /** `<TEAMID>.<bundle.id>` each. */
  iosApps?: string[];
}

/** Creates a project with its first signing key and first API secret (returned once, here only). */
export async function createProject(ctx: Ctx, input: CreateProjectInput): Promise<{ project: Project; apiSecret: CreatedApiSecret }> {
  const name = validateName(input.name, 'project name');
  const origins = validateOrigins(input.origins);
  const rpId = validateRpId(input.rpId, origins);
  const rpName = validateName(input.rpName ?? name, 'RP name');
  const tokenTtl = validateTokenTtl(input.tokenTtl ?? DEFAULT_TOKEN_TTL);
  const reach = await editReachLists(
    { rpId, relatedOrigins: [], androidApps: [], iosApps: [] },
    { addRelatedOrigins: input.relatedOrigins ?? [], addAndroidApps: input.androidApps ?? [], addIosApps: input.iosApps ?? [] },
  );
  const now = nowSeconds(ctx.clock);
  const id = newProjectId();

  const apiSecret = await inTransaction(ctx, async (txCtx) => {
    await txCtx.store.db
      .insertInto('projects')
      .values({
        id, name, rp_id: rpId, rp_name: rpName, origins: JSON.stringify(origins),
        related_origins: JSON.stringify(reach.relatedOrigins),
        android_apps: JSON.stringify(reach.androidApps),
        ios_apps: JSON.stringify(reach.iosApps),
        token_ttl: tokenTtl, created_at: now, updated_at: now,
      })
      .execute();
    await createSigningKey(txCtx, id);
    return createApiSecret(txCtx, id);
  });
  return { project: await getProject(ctx, id), apiSecret };
}
