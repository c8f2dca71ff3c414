import type { Ctx } from '../context.js';
import { createProject } from '../projects/create-project.js';
import { deleteProject } from '../projects/delete-project.js';
import { findProject } from '../projects/get-project.js';
import { updateProject } from '../projects/update-project.js';
import { revokeApiSecret } from '../secrets/manage-api-secrets.js';
import { nowSeconds } from '../util/clock.js';

const SETTINGS_ROW = 'console';
export const CONSOLE_PROJECT_NAME = 'Latchkey console';

/** The project the console's administrators log in with, once a server has created it. */
export async function findConsoleProjectId(ctx: Ctx): Promise<string | undefined> {
  const row = await ctx.store.db.selectFrom('console_settings').select('project_id').where('id', '=', SETTINGS_ROW).executeTakeFirst();
  return row?.project_id;
}

/**
 * Creates the console's own Latchkey project on first start (RP ID = the public URL's host name,
 * origin = its origin), or adds the public URL's origin to it when it moved to a new port. The
 * console is then a client of Latchkey like any app: passkeys through the Frontend API,
 * signedPasskeyData verified server side. Its first API secret is revoked at once: the console calls
 * the verification in-process and no one ever needs that secret.
 */
export async function ensureConsoleProject(ctx: Ctx, publicUrl: string): Promise<string> {
  const url = new URL(publicUrl);
  const existing = await findConsoleProjectId(ctx);
  const project = existing ? await findProject(ctx, existing) : undefined;
  if (project) {
    if (!project.origins.includes(url.origin)) {
      try {
        await updateProject(ctx, project.id, { addOrigins: [url.origin] });
      } catch (error) {
        // The RP ID cannot change (every administrator's passkey is bound to it): say so, keep serving.
        ctx.log?.warn({ err: error, rpId: project.rpId, publicUrl }, `the console cannot serve ${url.origin}: its passkeys belong to ${project.rpId}`);
      }
    }
    return project.id;
  }
  const { project: created, apiSecret } = await createProject(ctx, { name: CONSOLE_PROJECT_NAME, rpId: url.hostname, origins: [url.origin] });
  await revokeApiSecret(ctx, created.id, apiSecret.id);
  await ctx.store.db
    .insertInto('console_settings')
    .values({ id: SETTINGS_ROW, project_id: created.id, created_at: nowSeconds(ctx.clock) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  // Instances starting together on a new database: one project wins, the others remove theirs.
  const winner = await findConsoleProjectId(ctx);
  if (winner && winner !== created.id) {
    await deleteProject(ctx, created.id);
    return winner;
  }
  return created.id;
}
