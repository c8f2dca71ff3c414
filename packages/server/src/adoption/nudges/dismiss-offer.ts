import type { Ctx } from '../../context.js';
import { openProcess } from '../../ceremonies/shared/processes.js';
import type { Project } from '../../projects/project.js';
import { nowSeconds } from '../../util/clock.js';
import { recordProcessFact, SECONDS_PER_DAY } from '../events/record-adoption-event.js';
import { noteDevice, readDevice } from './user-devices.js';

/**
 * The user said "not now" to a passkey offer: the next offer to this user on this device waits
 * for the policy's back-off (1st dismissal → backoffDays[0] days, …, the last entry from then on).
 */
export async function dismissOffer(ctx: Ctx, project: Project, input: { processId: string }): Promise<{ nextOfferAt: number }> {
  const process = await openProcess(ctx, project.id, input.processId, 'append');
  const key = { projectId: project.id, userId: process.user_id ?? '', deviceId: process.device_id ?? '' };
  const policy = await ctx.policies.get(ctx, project.id);
  const dismissals = ((await readDevice(ctx, key.projectId, key.userId, key.deviceId))?.dismissals ?? 0) + 1;
  const days = policy.nudge.backoffDays;
  const nextOfferAt = nowSeconds(ctx.clock) + (days[Math.min(dismissals, days.length) - 1] ?? 0) * SECONDS_PER_DAY;
  await noteDevice(ctx, key, { dismissals, next_offer_at: nextOfferAt });
  await recordProcessFact(ctx, process, { type: 'offer-declined' });
  return { nextOfferAt };
}
