import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';
import { newSigningKeyId } from '../util/ids.js';
import { sealPrivateKey } from './key-encryption.js';

/** A fresh RSA-2048 key pair for RS256; it becomes the key that signs when it is the newest unrotated one. */
export async function createSigningKey(ctx: Ctx, projectId: string): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = newSigningKeyId();
  const newest = await ctx.store.db
    .selectFrom('signing_keys')
    .select((eb) => eb.fn.max('generation').as('generation'))
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  await ctx.store.db
    .insertInto('signing_keys')
    .values({
      id: kid,
      project_id: projectId,
      generation: Number(newest?.generation ?? 0) + 1,
      public_jwk: JSON.stringify(jwk),
      private_key: await sealPrivateKey(await exportPKCS8(privateKey), ctx.keyEncryptionKey),
      created_at: nowSeconds(ctx.clock),
      rotated_at: null,
      retire_at: null,
    })
    .execute();
  return kid;
}
