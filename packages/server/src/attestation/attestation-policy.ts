import type { Ctx } from '../context.js';
import { badRequest } from '../errors/latchkey-error.js';

/**
 * Which authenticators a project accepts when a passkey is appended:
 * - `none` (default): any; no attestation is requested (the browser shows no extra prompt).
 * - `allow` / `deny`: only / never the listed AAGUIDs, as the authenticator reports them. Without
 *   attestation an AAGUID is a claim, not a proof: these lists steer honest authenticators.
 * - `mds`: attestation is requested (`direct`) and must chain to the attestation roots the
 *   imported FIDO Metadata Service BLOB lists for the authenticator, whose status reports must not
 *   say it is revoked or compromised.
 */
export const ATTESTATION_MODES = ['none', 'allow', 'deny', 'mds'] as const;
export type AttestationMode = (typeof ATTESTATION_MODES)[number];

export interface AttestationPolicy {
  mode: AttestationMode;
  /** Lower-case AAGUIDs; used by `allow` and `deny`, empty otherwise. */
  aaguids: string[];
}

export const DEFAULT_ATTESTATION_POLICY: AttestationPolicy = { mode: 'none', aaguids: [] };

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A policy as given (CLI, tests), checked and put in canonical form, or a 400 that says what is accepted. */
export function validateAttestationPolicy(input: { mode: string; aaguids?: string[] }): AttestationPolicy {
  if (!(ATTESTATION_MODES as readonly string[]).includes(input.mode)) {
    throw badRequest('invalid_attestation_policy', `attestation policy "${input.mode}" is not one of ${ATTESTATION_MODES.join(', ')}`);
  }
  const mode = input.mode as AttestationMode;
  const aaguids = [...new Set((input.aaguids ?? []).map((a) => a.trim().toLowerCase()))];
  for (const aaguid of aaguids) {
    if (!AAGUID.test(aaguid)) throw badRequest('invalid_aaguid', `"${aaguid}" is not an AAGUID (a UUID such as ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4)`);
  }
  if ((mode === 'allow' || mode === 'deny') && aaguids.length === 0) {
    throw badRequest('invalid_attestation_policy', `attestation policy ${mode} needs at least one --aaguid`);
  }
  if ((mode === 'none' || mode === 'mds') && aaguids.length > 0) {
    throw badRequest('invalid_attestation_policy', `--aaguid goes with the allow and deny policies, not with ${mode}`);
  }
  return { mode, aaguids };
}

/** The project's policy; `none` when it never set one. */
export async function readAttestationPolicy(ctx: Ctx, projectId: string): Promise<AttestationPolicy> {
  const row = await ctx.store.db.selectFrom('attestation_policies').selectAll().where('project_id', '=', projectId).executeTakeFirst();
  if (!row) return DEFAULT_ATTESTATION_POLICY;
  return { mode: row.mode as AttestationMode, aaguids: JSON.parse(row.aaguids) as string[] };
}
