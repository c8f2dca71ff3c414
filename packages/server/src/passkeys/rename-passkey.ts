import type { Ctx } from '../context.js';
import { notFound } from '../errors/latchkey-error.js';
import { recordEvent } from '../events/record-event.js';
import { inTransaction } from '../store/in-transaction.js';
import type { CredentialRow } from '../store/schema.js';
import { ID_PATTERNS } from '../util/ids.js';
import { passkeyLabel } from './passkey-label.js';

/**
 * Gives one of the user's passkeys a label (validated by passkeyLabel) and records a
 * `passkey-renamed` event; a passkey of another user is "not found", never renamed.
 */
export async function renameUserPasskey(
  ctx: Ctx,
  projectId: string,
  userId: string,
  passkeyId: string,
  name: unknown,
  source: { via: 'frontend' | 'backend' },
): Promise<CredentialRow> {
  const label = passkeyLabel(name);
  if (!ID_PATTERNS.credential.test(passkeyId)) throw notFound('passkey_not_found', `no passkey ${passkeyId} for this user`);
  return inTransaction(ctx, async (txCtx) => {
    const updated = await txCtx.store.db
      .updateTable('credentials')
      .set({ name: label })
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .where('id', '=', passkeyId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw notFound('passkey_not_found', `no passkey ${passkeyId} for this user`);
    await recordEvent(txCtx, { projectId, userId, type: 'passkey-renamed', credentialId: passkeyId, detail: { via: source.via } });
    return txCtx.store.db.selectFrom('credentials').selectAll().where('id', '=', passkeyId).executeTakeFirstOrThrow();
  });
}
