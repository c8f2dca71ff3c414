import type { Ctx } from '../context.js';
import { conflict } from '../errors/latchkey-error.js';
import { inTransaction } from '../store/in-transaction.js';
import { nowSeconds } from '../util/clock.js';
import { mdsEntryKeys } from './mds-entry.js';
import { describeMdsBlob, type MdsBlobInfo } from './mds-blob-info.js';
import { mdsIconCacheOf } from './mds-icon-cache.js';
import { verifyMdsBlob } from './verify-mds-blob.js';

/**
 * Verifies an MDS3 BLOB (see verify-mds-blob.ts) and replaces the stored entries with its entries,
 * in one transaction: every instance sharing the store enforces the new data from its next append.
 * A BLOB whose serial is lower than the stored one is refused (MDS3 §3.2: never go back); the same
 * serial again is accepted (re-import is harmless). A stale BLOB (past `nextUpdate`) is still
 * imported — refusing it would leave no data at all — and the answer says it is stale.
 */
export async function importMdsBlob(ctx: Ctx, blob: string, trustRoots?: string[]): Promise<MdsBlobInfo> {
  const verified = await verifyMdsBlob(blob, trustRoots);
  const rows = new Map<string, string>();
  for (const entry of verified.entries) for (const key of mdsEntryKeys(entry)) rows.set(key, JSON.stringify(entry));
  const info = await inTransaction(ctx, async (txCtx) => {
    const current = await txCtx.store.db.selectFrom('mds_blobs').select('no').where('id', '=', 'current').executeTakeFirst();
    if (current && current.no > verified.no) {
      throw conflict('mds_blob_older', `this MDS BLOB (no ${verified.no}) is older than the one imported (no ${current.no}); download the current one from https://mds3.fidoalliance.org/`);
    }
    await txCtx.store.db.deleteFrom('mds_entries').execute();
    const values = [...rows].map(([key, entry]) => ({ key, entry }));
    // Batches keep each statement under the drivers' parameter limits (thousands of entries).
    for (let i = 0; i < values.length; i += 200) await txCtx.store.db.insertInto('mds_entries').values(values.slice(i, i + 200)).execute();
    const row = { id: 'current', no: verified.no, next_update: verified.nextUpdate, entries: verified.entries.length, imported_at: nowSeconds(txCtx.clock) };
    await txCtx.store.db
      .insertInto('mds_blobs')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ no: row.no, next_update: row.next_update, entries: row.entries, imported_at: row.imported_at }))
      .execute();
    return describeMdsBlob(row, txCtx.clock);
  });
  // Icons may have changed; other instances see the new ones when their cache entries expire.
  mdsIconCacheOf(ctx.store).clear();
  return info;
}
