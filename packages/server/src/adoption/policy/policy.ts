import type { Static } from 'typebox';
import type { OsFamily } from '../client-info.js';
// Types only: the schemas (and TypeBox, hundreds of modules) load where requests are validated, not
// in every CLI command that merely opens the store (createContext's policy cache needs this module).
import type { PolicyPatchSchema } from './policy-schema.js';

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

/** PATCH body: any part of the policy (PolicyPatchSchema in policy-schema.ts). */
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
