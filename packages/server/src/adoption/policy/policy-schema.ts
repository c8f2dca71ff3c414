import { Type } from 'typebox';
import { OS_FAMILIES } from '../client-info.js';

/**
 * The adoption policy's JSON schemas (policy.ts has the Policy type, its defaults and merging): the
 * HTTP routes validate with them and the OpenAPI document shows them. A module of their own so that
 * loading a policy (every CLI command's context does) does not load TypeBox.
 */

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
