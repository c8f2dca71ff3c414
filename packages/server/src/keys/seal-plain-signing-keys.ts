import type { Ctx } from '../context.js';
import { isPlainPem, sealPrivateKey } from './key-encryption.js';

/**
 * Encrypts, in place, signing keys stored as plain PEM (made before a key-encryption key existed),
 * so that a store upgraded to a version that encrypts by default holds no plain key afterwards.
 * Each row is replaced only if it still holds the PEM read, so instances starting together cannot
 * seal one key twice. Returns how many keys this call sealed.
 */
export async function sealPlainSigningKeys(ctx: Ctx): Promise<number> {
  const kek = ctx.keyEncryptionKey;
  if (!kek) return 0;
  const plain = await ctx.store.db.selectFrom('signing_keys').select(['id', 'private_key']).where('private_key', 'like', '-----BEGIN%').execute();
  let sealed = 0;
  for (const row of plain) {
    if (!isPlainPem(row.private_key)) continue;
    const result = await ctx.store.db
      .updateTable('signing_keys')
      .set({ private_key: await sealPrivateKey(row.private_key, kek) })
      .where('id', '=', row.id)
      .where('private_key', '=', row.private_key)
      .executeTakeFirst();
    sealed += Number(result.numUpdatedRows);
  }
  return sealed;
}
