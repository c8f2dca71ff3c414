import { capabilitiesUnknown, type ClientFacts } from '../client-info.js';
import type { Policy } from '../policy/policy.js';
import { policyRefusal } from './policy-refusal.js';
import { refuses, type DecisionTag } from './tags.js';

/** login/init's answer: the user is not known yet, so the rollout is decided at start (and finish). */
export function decideLogin(policy: Policy, projectId: string, facts: ClientFacts): { loginAllowed: boolean; decisionTags: DecisionTag[] } {
  const tags = policyRefusal(policy, { projectId, flow: 'login', osFamily: facts.osFamily });
  if (facts.webauthn === false) tags.push('webauthn-unavailable');
  if (capabilitiesUnknown(facts)) tags.push('capabilities-unknown');
  return { loginAllowed: !refuses(tags), decisionTags: tags };
}
