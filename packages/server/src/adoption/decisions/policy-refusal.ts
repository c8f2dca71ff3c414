import type { Policy } from '../policy/policy.js';
import { inRollout } from './rollout-bucket.js';
import type { DecisionTag } from './tags.js';

/**
 * The policy's hard "no" for a flow: the kill switch, the user's rollout bucket (when the user is
 * known) and the platform lists. Nothing the page or the user does overrides these.
 */
export function policyRefusal(
  policy: Policy,
  input: { projectId: string; flow: 'login' | 'append'; userId?: string | null; osFamily?: string | null },
): DecisionTag[] {
  const tags: DecisionTag[] = [];
  const flow = policy[input.flow];
  if (!flow.enabled) tags.push(input.flow === 'login' ? 'login-kill-switch' : 'append-kill-switch');
  if (input.userId && !inRollout(input.projectId, input.flow, input.userId, flow.rolloutPercent)) tags.push('rollout-excluded');
  if (input.osFamily !== undefined && platformDenied(policy, input.osFamily ?? 'unknown')) tags.push('platform-denied');
  return tags;
}

/** Denied when on the deny list, or when an allow list exists and does not name the family. */
export function platformDenied(policy: Policy, osFamily: string): boolean {
  const { allow, deny } = policy.platforms as { allow: string[]; deny: string[] };
  if (deny.includes(osFamily)) return true;
  return allow.length > 0 && !allow.includes(osFamily);
}
