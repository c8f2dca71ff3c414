import type { Ctx } from '../../context.js';
import { nowSeconds } from '../../util/clock.js';
import { capabilitiesUnknown, type ClientFacts } from '../client-info.js';
import { readDevice } from '../nudges/user-devices.js';
import type { Policy } from '../policy/policy.js';
import { policyRefusal } from './policy-refusal.js';
import { refuses, type DecisionTag } from './tags.js';

export interface AppendDecision {
  appendAllowed: boolean;
  decisionTags: DecisionTag[];
  /** The page may register a passkey silently (mediation: 'conditional') in this process. */
  conditionalCreate: boolean;
  /** When the back-off for this user and device ends (declined-recently), else null. */
  nextOfferAt: number | null;
}

/**
 * append/init's "should the page offer a passkey now?": the policy's hard refusals, then what the
 * device can do, then what Latchkey knows of this user on this device (dismissed offers, a passkey
 * created here, a cross-device login from here).
 */
export async function decideAppend(
  ctx: Ctx,
  policy: Policy,
  input: { projectId: string; userId: string; facts: ClientFacts },
): Promise<AppendDecision> {
  const { projectId, userId, facts } = input;
  const tags = policyRefusal(policy, { projectId, flow: 'append', userId, osFamily: facts.osFamily });
  if (facts.webauthn === false) tags.push('webauthn-unavailable');
  if (facts.platformAuthenticator === false) tags.push('no-platform-authenticator');

  const now = nowSeconds(ctx.clock);
  const device = await readDevice(ctx, projectId, userId, facts.deviceId ?? '');
  let nextOfferAt: number | null = null;
  if (device?.next_offer_at != null && device.next_offer_at > now) {
    tags.push('declined-recently');
    nextOfferAt = device.next_offer_at;
  }
  if (facts.deviceId !== null && (await hasPasskeyOnDevice(ctx, userId, facts.deviceId))) tags.push('passkey-on-device');
  if (device?.cross_device_at != null) tags.push('cross-device-login');
  if (capabilitiesUnknown(facts)) tags.push('capabilities-unknown');

  const appendAllowed = !refuses(tags);
  const conditionalCreate = appendAllowed && policy.conditionalCreate && facts.conditionalCreate === true;
  if (conditionalCreate) tags.push('conditional-create');
  return { appendAllowed, decisionTags: tags, conditionalCreate, nextOfferAt };
}

async function hasPasskeyOnDevice(ctx: Ctx, userId: string, deviceId: string): Promise<boolean> {
  const row = await ctx.store.db.selectFrom('credentials').select('id').where('user_id', '=', userId).where('device_id', '=', deviceId).executeTakeFirst();
  return row !== undefined;
}
