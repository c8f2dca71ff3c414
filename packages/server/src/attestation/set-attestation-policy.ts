import type { Ctx } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { getProject } from '../projects/get-project.js';
import { inTransaction } from '../store/in-transaction.js';
import { nowSeconds } from '../util/clock.js';
import { validateAttestationPolicy, type AttestationPolicy } from './attestation-policy.js';

/**
 * Replaces the project's attestation policy, audited as `attestation-policy-changed`. It applies to
 * passkeys appended from now on; passkeys already stored keep working (removing them is the
 * operator's call: `DELETE /v2/users/{userID}/passkeys/{passkeyId}`).
 */
export async function setAttestationPolicy(ctx: Ctx, projectId: string, input: { mode: string; aaguids?: string[] }, actor: string): Promise<AttestationPolicy> {
  const policy = validateAttestationPolicy(input);
  return inTransaction(ctx, async (txCtx) => {
    await getProject(txCtx, projectId);
    const row = { project_id: projectId, mode: policy.mode, aaguids: JSON.stringify(policy.aaguids), updated_at: nowSeconds(txCtx.clock) };
    await txCtx.store.db
      .insertInto('attestation_policies')
      .values(row)
      .onConflict((oc) => oc.column('project_id').doUpdateSet({ mode: row.mode, aaguids: row.aaguids, updated_at: row.updated_at }))
      .execute();
    await recordEvent(txCtx, { projectId, type: 'attestation-policy-changed', detail: { actor, ...policy } });
    return policy;
  });
}
