import type { Ctx } from '../context.js';
import { notFound } from '../errors/latchkey-error.js';
import { getProject } from '../projects/get-project.js';
import { nowSeconds } from '../util/clock.js';
import { toApiSecretInfo, type ApiSecretInfo } from './api-secret.js';

export async function listApiSecrets(ctx: Ctx, projectId: string): Promise<ApiSecretInfo[]> {
  await getProject(ctx, projectId);
  const rows = await ctx.store.db
    .selectFrom('api_secrets')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toApiSecretInfo);
}

/** Revoking is immediate for every instance: each Backend API call reads the live secrets. */
export async function revokeApiSecret(ctx: Ctx, projectId: string, secretId: string): Promise<ApiSecretInfo> {
  await getProject(ctx, projectId);
  const row = await ctx.store.db
    .selectFrom('api_secrets')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', secretId)
    .executeTakeFirst();
  if (!row) throw notFound('secret_not_found', `project ${projectId} has no API secret ${secretId}`);
  if (row.revoked_at === null) {
    const now = nowSeconds(ctx.clock);
    await ctx.store.db.updateTable('api_secrets').set({ revoked_at: now }).where('id', '=', secretId).execute();
    row.revoked_at = now;
  }
  return toApiSecretInfo(row);
}
