import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { newApiSecret, newApiSecretId } from '../util/ids.js';
import type { ApiSecretInfo } from './api-secret.js';
import { hashApiSecret, newSalt } from './secret-hash.js';

export interface CreatedApiSecret extends ApiSecretInfo {
  /** The only time the secret exists outside its owner's hands. */
  secret: string;
}

export async function createApiSecret(ctx: Ctx, projectId: string): Promise<CreatedApiSecret> {
  const secret = newApiSecret();
  const salt = newSalt();
  const row = {
    id: newApiSecretId(),
    project_id: projectId,
    salt,
    hash: hashApiSecret(salt, secret),
    hint: secret.slice(-4),
    created_at: nowSeconds(ctx.clock),
    revoked_at: null,
    last_used_at: null,
  };
  await ctx.store.db.insertInto('api_secrets').values(row).execute();
  return { id: row.id, projectId, hint: row.hint, createdAt: row.created_at, revokedAt: null, lastUsedAt: null, secret };
}
