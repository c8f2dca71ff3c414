import type { Ctx } from '../context.js';
import { notFound } from '../errors/latchkey-error.js';
import type { Database } from '../store/schema.js';
import { inTransaction } from '../store/in-transaction.js';
import { ID_PATTERNS } from '../util/ids.js';

/** Every table that holds a project's rows, children before parents (foreign keys). */
const PROJECT_TABLES = [
  'adoption_events',
  'adoption_daily',
  'user_devices',
  'project_policies',
  'attestation_policies',
  'challenges',
  'processes',
  'spent_tokens',
  'passkey_events',
  'connect_tokens',
  'credentials',
  'users',
  'signing_keys',
  'api_secrets',
] as const satisfies ReadonlyArray<keyof Database>;

type ProjectTable = (typeof PROJECT_TABLES)[number];

/** What a project holds, per kind, in the API's camelCase. */
export interface ProjectContents {
  users: number;
  passkeys: number;
  apiSecrets: number;
  signingKeys: number;
  connectTokens: number;
  passkeyEvents: number;
  processes: number;
  challenges: number;
  spentTokens: number;
  /** Adoption policy, device notes, client events and their daily roll-ups (docs/adoption.md). */
  adoptionRecords: number;
}

const KEY: Record<ProjectTable, keyof ProjectContents> = {
  adoption_events: 'adoptionRecords',
  adoption_daily: 'adoptionRecords',
  user_devices: 'adoptionRecords',
  project_policies: 'adoptionRecords',
  // A policy row, like the adoption policy beside it (counted with the project's settings records).
  attestation_policies: 'adoptionRecords',
  challenges: 'challenges',
  processes: 'processes',
  spent_tokens: 'spentTokens',
  passkey_events: 'passkeyEvents',
  connect_tokens: 'connectTokens',
  credentials: 'passkeys',
  users: 'users',
  signing_keys: 'signingKeys',
  api_secrets: 'apiSecrets',
};

const emptyContents = (): ProjectContents => ({
  users: 0, passkeys: 0, apiSecrets: 0, signingKeys: 0, connectTokens: 0, passkeyEvents: 0, processes: 0, challenges: 0, spentTokens: 0, adoptionRecords: 0,
});

/** Counts what `deleteProject` would delete (shown before the confirmation). */
export async function projectContents(ctx: Ctx, id: string): Promise<ProjectContents> {
  const contents = emptyContents();
  for (const table of PROJECT_TABLES) {
    const row = await ctx.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('project_id', '=', id)
      .executeTakeFirstOrThrow();
    contents[KEY[table]] += Number(row.n);
  }
  return contents;
}

/**
 * Deletes a project and everything it holds — users, passkeys, API secrets, signing keys, connect
 * tokens, open ceremonies, spent token ids, its audit trail and its adoption records — in one transaction: either all of
 * it goes or nothing does. Explicit deletes rather than ON DELETE CASCADE alone, because the event
 * trail and the ceremony tables carry a project id without a foreign key. Returns what was deleted.
 */
export async function deleteProject(ctx: Ctx, id: string): Promise<ProjectContents> {
  if (!ID_PATTERNS.project.test(id)) throw notFound('project_not_found', `no project ${id}`);
  const removed = await inTransaction(ctx, async (txCtx) => {
    const deleted = emptyContents();
    for (const table of PROJECT_TABLES) {
      const result = await txCtx.store.db.deleteFrom(table).where('project_id', '=', id).executeTakeFirst();
      deleted[KEY[table]] += Number(result.numDeletedRows);
    }
    const project = await txCtx.store.db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
    // Nothing to delete (or another process deleted it first): roll back and say so.
    if (Number(project.numDeletedRows) !== 1) throw notFound('project_not_found', `no project ${id}`);
    return deleted;
  });
  ctx.projects.forget(id);
  return removed;
}
