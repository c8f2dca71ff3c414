import type { CompiledQuery } from 'kysely';
import type { Ctx } from '../../context.js';
import type { UserDeviceRow } from '../../store/schema.js';
import { nowSeconds } from '../../util/clock.js';

/** What Latchkey knows of one user on one device ('' = a device that sent no id). */
export async function readDevice(ctx: Ctx, projectId: string, userId: string, deviceId: string): Promise<UserDeviceRow | undefined> {
  return ctx.store.db
    .selectFrom('user_devices')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
}

/** Sets some of the row's fields, creating the row when it is the first thing known. */
export async function noteDevice(
  ctx: Ctx,
  key: { projectId: string; userId: string; deviceId: string },
  fields: Partial<Pick<UserDeviceRow, 'dismissals' | 'next_offer_at' | 'cross_device_at'>>,
): Promise<void> {
  await ctx.store.db.executeQuery(deviceUpsert(ctx, key, fields));
}

/** noteDevice's upsert, compiled, for a caller that runs it with its own writes. */
export function deviceUpsert(
  ctx: Ctx,
  key: { projectId: string; userId: string; deviceId: string },
  fields: Partial<Pick<UserDeviceRow, 'dismissals' | 'next_offer_at' | 'cross_device_at'>>,
): CompiledQuery {
  const now = nowSeconds(ctx.clock);
  return ctx.store.db
    .insertInto('user_devices')
    .values({
      project_id: key.projectId,
      user_id: key.userId,
      device_id: key.deviceId,
      dismissals: fields.dismissals ?? 0,
      next_offer_at: fields.next_offer_at ?? null,
      cross_device_at: fields.cross_device_at ?? null,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['project_id', 'user_id', 'device_id']).doUpdateSet({ ...fields, updated_at: now }))
    .compile();
}
