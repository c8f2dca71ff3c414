import type { Ctx } from '../context.js';

/**
 * Every origin some project lists (its own and its related origins). A CORS preflight carries no X-Project-ID value (only the header's
 * name), so it can only be checked against all projects' origins; the request that follows is then
 * checked against its own project's list. Cached briefly per instance: an origin added with
 * `project update` is honoured by preflights within CACHE_MS everywhere.
 */
const CACHE_MS = 5000;

export class KnownOrigins {
  private cached: { at: number; origins: Set<string> } | undefined;

  constructor(private readonly ctx: Ctx) {}

  async has(origin: string): Promise<boolean> {
    const now = this.ctx.clock.nowMs();
    if (!this.cached || now - this.cached.at > CACHE_MS || now < this.cached.at) {
      const rows = await this.ctx.store.db.selectFrom('projects').select(['origins', 'related_origins']).execute();
      this.cached = { at: now, origins: new Set(rows.flatMap((r) => [...(JSON.parse(r.origins) as string[]), ...(JSON.parse(r.related_origins) as string[])])) };
    }
    return this.cached.origins.has(origin);
  }
}
