import type { Ctx } from '../context.js';
import type { MdsBlobTable } from '../store/schema.js';
import type { Clock } from '../util/clock.js';

/** What `latchkey mds import --json` and `mds show --json` print. */
export interface MdsBlobInfo {
  no: number;
  nextUpdate: string;
  entries: number;
  importedAt: number;
  /** Today (UTC) is after nextUpdate: a newer BLOB exists and should be imported. */
  stale: boolean;
}

export function describeMdsBlob(row: MdsBlobTable, clock: Clock): MdsBlobInfo {
  const today = new Date(clock.nowMs()).toISOString().slice(0, 10);
  return { no: row.no, nextUpdate: row.next_update, entries: row.entries, importedAt: row.imported_at, stale: today > row.next_update };
}

/** The imported BLOB's facts, or undefined when none was imported. */
export async function readMdsBlobInfo(ctx: Ctx): Promise<MdsBlobInfo | undefined> {
  const row = await ctx.store.db.selectFrom('mds_blobs').selectAll().where('id', '=', 'current').executeTakeFirst();
  return row ? describeMdsBlob(row, ctx.clock) : undefined;
}

export const staleWarning = (info: MdsBlobInfo): string =>
  `the imported FIDO MDS BLOB (no ${info.no}) is stale: its nextUpdate was ${info.nextUpdate}. ` +
  'The mds attestation policy still enforces it; download the current BLOB from https://mds3.fidoalliance.org/ and run `latchkey mds import <blob.jwt>`';
