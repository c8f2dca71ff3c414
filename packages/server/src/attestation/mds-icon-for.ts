import type { Ctx } from '../context.js';
import type { MdsEntry } from './mds-entry.js';
import { mdsIconCacheOf } from './mds-icon-cache.js';

/** The longest icon accepted, in characters of the whole data: URI. */
export const MDS_ICON_MAX_LENGTH = 64 * 1024;
/** Raster images and SVG as base64 data: URIs only: never a URL (no request leaves the page) nor script. */
const DATA_IMAGE = /^data:image\/(?:png|svg\+xml|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/**
 * The icon the imported FIDO MDS3 BLOB gives for an authenticator model (its metadata statement's
 * `icon`), for showing beside a passkey. Undefined when there is no BLOB, no entry for the AAGUID,
 * no icon, or an icon that is not a base64 `data:image/(png|svg+xml|jpeg|webp)` URI of at most
 * 64 KB (anything else is ignored, never passed on). The AAGUID is matched case-insensitively; the
 * all-zero AAGUID and malformed ones have none. Answers, including "none", are cached per store
 * for up to 10 minutes (512 AAGUIDs); an import through importMdsBlob on this process clears it.
 */
export async function mdsIconFor(ctx: Ctx, aaguid: string): Promise<string | undefined> {
  const key = aaguid.toLowerCase();
  if (!AAGUID.test(key) || key === ZERO_AAGUID) return undefined;
  const cache = mdsIconCacheOf(ctx.store);
  const now = ctx.clock.nowMs();
  const cached = cache.get(key, now);
  if (cached) return cached.icon;
  const row = await ctx.store.db.selectFrom('mds_entries').select('entry').where('key', '=', key).executeTakeFirst();
  const icon = row ? acceptableIcon((JSON.parse(row.entry) as MdsEntry).metadataStatement?.icon) : undefined;
  cache.set(key, icon, now);
  return icon;
}

function acceptableIcon(icon: unknown): string | undefined {
  if (typeof icon !== 'string' || icon.length > MDS_ICON_MAX_LENGTH) return undefined;
  return DATA_IMAGE.test(icon) ? icon : undefined;
}
