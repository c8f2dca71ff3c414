import type { Ctx } from '../context.js';
import { notFound } from '../errors/latchkey-error.js';
import { ID_PATTERNS } from '../util/ids.js';
import { toProject, type Project } from './project.js';

export async function findProject(ctx: Ctx, id: string): Promise<Project | undefined> {
  if (!ID_PATTERNS.project.test(id)) return undefined;
  const row = await ctx.store.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toProject(row);
}

/** A project for a request: read through this instance's ProjectCache (at most 2 s old). */
export async function findServedProject(ctx: Ctx, id: string): Promise<Project | undefined> {
  if (!ID_PATTERNS.project.test(id)) return undefined;
  return ctx.projects.get(ctx, id, () => findProject(ctx, id));
}

export async function getProject(ctx: Ctx, id: string): Promise<Project> {
  const project = await findProject(ctx, id);
  if (!project) throw notFound('project_not_found', `no project ${id}`);
  return project;
}

export async function listProjects(ctx: Ctx): Promise<Project[]> {
  const rows = await ctx.store.db.selectFrom('projects').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toProject);
}
