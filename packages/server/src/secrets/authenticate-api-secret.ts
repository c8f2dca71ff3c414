import type { Ctx } from '../context.js';
import { ID_PATTERNS } from '../util/ids.js';
import { nowSeconds } from '../util/clock.js';
import { prepareQuery } from '../store/prepare-query.js';
import { digestsEqual, hashApiSecret } from './secret-hash.js';

/** Every Backend API call runs it: compiled once (see prepareQuery). */
const liveSecrets = prepareQuery((db, args: { projectId: string }) =>
  db.selectFrom('api_secrets').select(['id', 'salt', 'hash', 'last_used_at']).where('project_id', '=', args.projectId).where('revoked_at', 'is', null),
);

/**
 * The id of the live API secret of the project that `secret` is (undefined when none is): the id
 * names the caller in the audit trail. Every live secret of the project is
 * hashed and compared in constant time, so the answer's timing does not tell which secret (if any)
 * came close. `last_used_at` is refreshed at most once a minute to keep the hot path read-only.
 */
export async function authenticateApiSecret(ctx: Ctx, projectId: string, secret: string): Promise<string | undefined> {
  if (!ID_PATTERNS.project.test(projectId) || secret.length === 0 || secret.length > 256) return undefined;
  const { rows } = await liveSecrets.execute(ctx, { projectId });
  let matched: (typeof rows)[number] | undefined;
  for (const row of rows) {
    if (digestsEqual(hashApiSecret(row.salt, secret), row.hash)) matched = row;
  }
  if (!matched) return undefined;
  const now = nowSeconds(ctx.clock);
  if (matched.last_used_at === null || now - matched.last_used_at >= 60) {
    await ctx.store.db.updateTable('api_secrets').set({ last_used_at: now }).where('id', '=', matched.id).execute();
  }
  return matched.id;
}
