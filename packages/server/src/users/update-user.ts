import type { Ctx } from '../context.js';
import { badRequest, conflict } from '../errors/latchkey-error.js';
import { recordEvent } from '../events/record-event.js';
import { inTransaction } from '../store/in-transaction.js';
import type { UserRow } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { getUser } from './users.js';

/** Control characters and lone surrogates: never part of a name a password manager should show. */
const CONTROL = /[\p{Cc}\p{Cs}]/u;

export interface UserChanges {
  identifier?: string;
  displayName?: string;
}

/**
 * Changes a user's login identifier and/or display name (the app renamed the account). The
 * identifier is kept exactly as given, like everywhere else; another user's identifier is refused
 * with 409 `identifier_taken`. The browser SDK tells password managers the new names on the user's
 * next visit (signalCurrentUserDetails). Records a `user-updated` event naming the changed fields.
 */
export async function updateUser(ctx: Ctx, projectId: string, userId: string, changes: UserChanges): Promise<UserRow> {
  const { identifier, displayName } = changes;
  if (identifier === undefined && displayName === undefined) throw badRequest('invalid_user_update', 'give identifier and/or displayName to change');
  if (identifier !== undefined && (identifier.length === 0 || identifier.length > 256 || CONTROL.test(identifier))) {
    throw badRequest('invalid_identifier', 'identifier must be 1 to 256 characters without control characters');
  }
  if (displayName !== undefined && (displayName.length > 256 || CONTROL.test(displayName))) {
    throw badRequest('invalid_display_name', 'displayName must be at most 256 characters without control characters');
  }
  const user = await getUser(ctx, projectId, userId);
  const set: { identifier?: string; display_name?: string } = {};
  if (identifier !== undefined && identifier !== user.identifier) set.identifier = identifier;
  // An empty display name falls back to the identifier, as when the user was created.
  const nextDisplayName = displayName === undefined ? undefined : displayName || (identifier ?? user.identifier);
  if (nextDisplayName !== undefined && nextDisplayName !== user.display_name) set.display_name = nextDisplayName;
  if (Object.keys(set).length === 0) return user;
  return inTransaction(ctx, async (txCtx) => {
    if (set.identifier !== undefined) {
      const taken = await txCtx.store.db.selectFrom('users').select('id').where('project_id', '=', projectId).where('identifier', '=', set.identifier).executeTakeFirst();
      if (taken) throw identifierTaken();
    }
    await txCtx.store.db
      .updateTable('users')
      .set(set)
      .where('id', '=', user.id)
      .execute()
      .catch((error: unknown) => {
        // Another request took the identifier between the check and the update.
        if (isUniqueViolation(error)) throw identifierTaken();
        throw error;
      });
    await recordEvent(txCtx, {
      projectId,
      userId: user.id,
      type: 'user-updated',
      detail: { fields: [...(set.identifier !== undefined ? ['identifier'] : []), ...(set.display_name !== undefined ? ['displayName'] : [])], via: 'backend' },
    });
    return txCtx.store.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
  });
}

const identifierTaken = () => conflict('identifier_taken', 'another user of this project already has this identifier');
