import type { Ctx } from '../../context.js';
import { recordEvent } from '../../events/record-event.js';
import { getProject } from '../../projects/get-project.js';
import { inTransaction } from '../../store/in-transaction.js';
import { nowSeconds } from '../../util/clock.js';
import { readPolicy } from './policy-cache.js';
import { mergePolicy, type Policy, type PolicyPatch } from './policy.js';

/**
 * Merges `patch` into the project's policy and stores it, with a `policy-changed` entry in the audit
 * trail naming who changed what. The patch must already be schema-valid (the route and the CLI
 * validate it). A patch that changes nothing stores nothing and leaves no entry.
 */
export async function updatePolicy(ctx: Ctx, projectId: string, patch: PolicyPatch, actor: string): Promise<Policy> {
  await getProject(ctx, projectId);
  const policy = await inTransaction(ctx, async (txCtx) => {
    const { policy: next, changes } = mergePolicy(await readPolicy(txCtx, projectId), patch);
    if (Object.keys(changes).length === 0) return next;
    const now = nowSeconds(txCtx.clock);
    await txCtx.store.db
      .insertInto('project_policies')
      .values({ project_id: projectId, policy: JSON.stringify(next), updated_at: now })
      .onConflict((oc) => oc.column('project_id').doUpdateSet({ policy: JSON.stringify(next), updated_at: now }))
      .execute();
    await recordEvent(txCtx, { projectId, type: 'policy-changed', detail: { actor, changes } });
    return next;
  });
  ctx.policies.forget(projectId);
  return policy;
}
