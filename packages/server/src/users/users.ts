import type { Ctx } from '../context.js';
import { notFound } from '../errors/latchkey-error.js';
import { recordEvent } from '../events/record-event.js';
import { inTransaction } from '../store/in-transaction.js';
import type { UserRow } from '../store/schema.js';
import { nowSeconds } from '../util/clock.js';
import { ID_PATTERNS, newUserId, newWebauthnId } from '../util/ids.js';

/**
 * Identifiers are kept exactly as the app sends them: the app owns its login names and their
 * normalisation (case, whitespace), Latchkey only matches them.
 */
export async function findUserByIdentifier(ctx: Ctx, projectId: string, identifier: string): Promise<UserRow | undefined> {
  return ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('identifier', '=', identifier)
    .executeTakeFirst();
}

export async function findUser(ctx: Ctx, projectId: string, userId: string): Promise<UserRow | undefined> {
  if (!ID_PATTERNS.user.test(userId)) return undefined;
  return ctx.store.db.selectFrom('users').selectAll().where('project_id', '=', projectId).where('id', '=', userId).executeTakeFirst();
}

export async function getUser(ctx: Ctx, projectId: string, userId: string): Promise<UserRow> {
  const user = await findUser(ctx, projectId, userId);
  if (!user) throw notFound('user_not_found', `no user ${userId} in this project`);
  return user;
}

/**
 * The user for an identifier, created with a fresh WebAuthn user handle when new. Two concurrent
 * first calls race on the (project, identifier) unique key; the loser reads the winner's row.
 */
export async function findOrCreateUser(ctx: Ctx, projectId: string, identifier: string, displayName: string): Promise<UserRow> {
  const existing = await findUserByIdentifier(ctx, projectId, identifier);
  if (existing) return existing;
  await ctx.store.db
    .insertInto('users')
    .values({
      id: newUserId(),
      project_id: projectId,
      identifier,
      display_name: displayName,
      webauthn_id: newWebauthnId(),
      created_at: nowSeconds(ctx.clock),
    })
    .onConflict((oc) => oc.columns(['project_id', 'identifier']).doNothing())
    .execute();
  const created = await findUserByIdentifier(ctx, projectId, identifier);
  if (!created) throw new Error(`user ${identifier} vanished right after it was created`);
  return created;
}

export async function listUsers(
  ctx: Ctx,
  projectId: string,
  options: { identifier?: string; after?: string; limit: number },
): Promise<UserRow[]> {
  let query = ctx.store.db.selectFrom('users').selectAll().where('project_id', '=', projectId);
  if (options.identifier !== undefined) query = query.where('identifier', '=', options.identifier);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  return query.orderBy('id').limit(options.limit).execute();
}

/** Deletes the user with their passkeys and connect tokens (cascade); the event log keeps its history. */
export async function deleteUser(ctx: Ctx, projectId: string, userId: string): Promise<void> {
  const user = await getUser(ctx, projectId, userId);
  await inTransaction(ctx, async (txCtx) => {
    await txCtx.store.db.deleteFrom('users').where('id', '=', user.id).execute();
    await recordEvent(txCtx, { projectId, userId: user.id, type: 'user-deleted' });
  });
}
