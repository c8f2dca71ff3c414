import { Type, type Static } from 'typebox';
import { OS_FAMILIES, type OsFamily } from '../client-info.js';

/** A project's adoption policy. Defaults are all on: a project without a stored policy behaves as before. */
export interface Policy {
  login: { enabled: boolean; rolloutPercent: number };
  append: { enabled: boolean; rolloutPercent: number };
  platforms: { allow: OsFamily[]; deny: OsFamily[] };
  nudge: { backoffDays: number[] };
  conditionalCreate: boolean;
  oneTap: boolean;
}

export const DEFAULT_POLICY: Policy = {
  login: { enabled: true, rolloutPercent: 100 },
  append: { enabled: true, rolloutPercent: 100 },
  platforms: { allow: [], deny: [] },
  nudge: { backoffDays: [1, 7, 30] },
  conditionalCreate: false,
  oneTap: false,
};

const Enabled = Type.Boolean({ description: 'false = kill switch' });
const RolloutPercent = Type.Integer({ minimum: 0, maximum: 100, description: 'users in the rollout: bucket(user) < rolloutPercent' });
const Flow = Type.Object({ enabled: Enabled, rolloutPercent: RolloutPercent }, { additionalProperties: false });
const FlowPatch = Type.Object({ enabled: Type.Optional(Enabled), rolloutPercent: Type.Optional(RolloutPercent) }, { additionalProperties: false });
const Families = Type.Array(Type.Enum([...OS_FAMILIES]), { maxItems: OS_FAMILIES.length, uniqueItems: true });
const BackoffDays = Type.Array(Type.Integer({ minimum: 0, maximum: 3650 }), {
  minItems: 1,
  maxItems: 10,
  description: 'days of back-off after the 1st, 2nd, … dismissal; the last applies from then on',
});

export const PolicySchema = Type.Object(
  {
    login: Flow,
    append: Flow,
    platforms: Type.Object({ allow: Families, deny: Families }, { additionalProperties: false, description: 'OS families; an empty allow list allows all' }),
    nudge: Type.Object({ backoffDays: BackoffDays }, { additionalProperties: false }),
    conditionalCreate: Type.Boolean({ description: 'automatic passkey upgrade after a password login' }),
    oneTap: Type.Boolean({ description: 'the browser may remember the last account' }),
  },
  { additionalProperties: false, title: 'AdoptionPolicy' },
);

/** PATCH body: any part of the policy; objects are merged, arrays and values replaced. */
export const PolicyPatchSchema = Type.Object(
  {
    login: Type.Optional(FlowPatch),
    append: Type.Optional(FlowPatch),
    platforms: Type.Optional(Type.Object({ allow: Type.Optional(Families), deny: Type.Optional(Families) }, { additionalProperties: false })),
    nudge: Type.Optional(Type.Object({ backoffDays: Type.Optional(BackoffDays) }, { additionalProperties: false })),
    conditionalCreate: Type.Optional(Type.Boolean()),
    oneTap: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'AdoptionPolicyUpdate' },
);
export type PolicyPatch = Static<typeof PolicyPatchSchema>;

/** The stored JSON over the defaults, so that a policy stored by an older version gains new keys' defaults. */
export function policyFromJson(json: string | undefined): Policy {
  if (json === undefined) return structuredClone(DEFAULT_POLICY);
  return mergePolicy(DEFAULT_POLICY, JSON.parse(json) as PolicyPatch).policy;
}

/** Deep-merges a patch; returns the new policy and each changed leaf as {path: {from, to}}. */
export function mergePolicy(base: Policy, patch: PolicyPatch): { policy: Policy; changes: Record<string, { from: unknown; to: unknown }> } {
  const policy = structuredClone(base) as unknown as Record<string, unknown>;
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const walk = (target: Record<string, unknown>, source: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const current = target[key];
      if (isPlainObject(value) && isPlainObject(current)) {
        walk(current, value, path);
      } else if (JSON.stringify(current) !== JSON.stringify(value)) {
        changes[path] = { from: current ?? null, to: value };
        target[key] = structuredClone(value);
      }
    }
  };
  walk(policy, patch as Record<string, unknown>, '');
  return { policy: policy as unknown as Policy, changes };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
