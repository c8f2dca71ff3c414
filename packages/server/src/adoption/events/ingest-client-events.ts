import { createHash } from 'node:crypto';
import type { Ctx } from '../../context.js';
import { BROWSER_FAMILIES, DEVICE_ID, family, OS_FAMILIES } from '../client-info.js';
import type { ClientEvent } from './client-event.js';
import { adoptionRow } from './record-adoption-event.js';

/**
 * Stores a schema-valid batch of client events in one statement. Free-form values are normalised
 * (unknown families become 'unknown', a malformed device id is dropped) and an identifier is kept
 * only as a project-bound hash: enough to count distinct users, useless to read.
 */
export async function ingestClientEvents(ctx: Ctx, projectId: string, events: ClientEvent[]): Promise<{ accepted: number }> {
  const rows = events.map((e) =>
    adoptionRow(ctx, {
      projectId,
      source: 'client',
      type: e.type,
      method: e.method ?? (e.type === 'password-login' ? 'password' : null),
      reason: e.reason ?? null,
      result: e.result ?? null,
      osFamily: family(e.osFamily, OS_FAMILIES),
      browserFamily: family(e.browserFamily, BROWSER_FAMILIES),
      deviceId: e.deviceId !== undefined && DEVICE_ID.test(e.deviceId) ? e.deviceId : null,
      processId: e.processId ?? null,
      identifierHash: e.identifier !== undefined ? createHash('sha256').update(`${projectId}:${e.identifier}`).digest('base64url') : null,
    }),
  );
  await ctx.store.db.insertInto('adoption_events').values(rows).execute();
  return { accepted: rows.length };
}
