import type { Ctx } from '../../context.js';
import { policyFromJson, type Policy } from './policy.js';

/**
 * Policies as this instance last read them, for at most CACHE_MS: a kill switch set through any
 * instance (or the CLI) is obeyed by every instance within that time, while a busy login page
 * costs one policy read per project per interval instead of one per request.
 */
const CACHE_MS = 5000;

export class PolicyCache {
  private readonly entries = new Map<string, { at: number; policy: Policy }>();

  async get(ctx: Ctx, projectId: string): Promise<Policy> {
    const now = ctx.clock.nowMs();
    const cached = this.entries.get(projectId);
    if (cached && now - cached.at <= CACHE_MS && now >= cached.at) return cached.policy;
    const policy = await readPolicy(ctx, projectId);
    this.entries.set(projectId, { at: now, policy });
    return policy;
  }

  /** After a change made through this instance: its own next read sees it at once. */
  forget(projectId: string): void {
    this.entries.delete(projectId);
  }
}

/** The stored policy, uncached (defaults when none was ever set). */
export async function readPolicy(ctx: Ctx, projectId: string): Promise<Policy> {
  const row = await ctx.store.db.selectFrom('project_policies').select('policy').where('project_id', '=', projectId).executeTakeFirst();
  return policyFromJson(row?.policy);
}
