import type { Ctx } from '../context.js';
import { notFound } from '../errors/latchkey-error.js';
import { recordEvent } from '../events/record-event.js';
import { inTransaction } from '../store/in-transaction.js';
import type { CredentialRow } from '../store/schema.js';
import { ID_PATTERNS } from '../util/ids.js';

export async function listUserCredentials(ctx: Ctx, projectId: string, userId: string): Promise<CredentialRow[]> {
  return ctx.store.db
    .selectFrom('credentials')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Deletes one of the user's passkeys; a passkey of another user is "not found", never deleted. */
export async function deleteUserPasskey(
  ctx: Ctx,
  projectId: string,
  userId: string,
  passkeyId: string,
  source: { processId?: string; via: 'frontend' | 'backend' },
): Promise<void> {
  if (!ID_PATTERNS.credential.test(passkeyId)) throw notFound('passkey_not_found', `no passkey ${passkeyId} for this user`);
  await inTransaction(ctx, async (txCtx) => {
    const deleted = await txCtx.store.db
      .deleteFrom('credentials')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .where('id', '=', passkeyId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw notFound('passkey_not_found', `no passkey ${passkeyId} for this user`);
    await recordEvent(
      txCtx,
      { projectId, userId, type: 'passkey-deleted', credentialId: passkeyId, processId: source.processId ?? null, detail: { via: source.via } },
    );
  });
}
