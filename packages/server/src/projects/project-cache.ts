import type { Ctx } from '../context.js';
import type { Project } from './project.js';

/**
 * How long a project row read for a request is reused by this instance. A project changed through
 * another process (the CLI, another instance) takes effect here within this bound: a removed origin
 * is refused at most PROJECT_CACHE_MS later (docs/operations.md, "Project settings").
 */
export const PROJECT_CACHE_MS = 2000;

/**
 * Projects as this instance last read them, for at most PROJECT_CACHE_MS. Every request of a login
 * needs its project (origins, RP ID, token lifetime); without this a login reads the same row three
 * times. Unknown ids are not remembered, so a project just created is usable at once.
 */
export class ProjectCache {
  private readonly entries = new Map<string, { at: number; project: Project }>();

  async get(ctx: Ctx, id: string, load: () => Promise<Project | undefined>): Promise<Project | undefined> {
    const now = ctx.clock.nowMs();
    const cached = this.entries.get(id);
    if (cached && now >= cached.at && now - cached.at < PROJECT_CACHE_MS) return cached.project;
    const project = await load();
    if (project) this.entries.set(id, { at: now, project });
    else this.entries.delete(id);
    return project;
  }

  /** After a change made through this instance: its own next read sees it at once. */
  forget(id: string): void {
    this.entries.delete(id);
  }
}
