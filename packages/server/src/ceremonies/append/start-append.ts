import { generateRegistrationOptions, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { readAttestationPolicy } from '../../attestation/attestation-policy.js';
import { policyRefusal } from '../../adoption/decisions/policy-refusal.js';
import { recordProcessFact } from '../../adoption/events/record-adoption-event.js';
import type { Ctx } from '../../context.js';
import { forbidden } from '../../errors/latchkey-error.js';
import { assertConnectTokenUsable } from '../../connect-tokens/connect-tokens.js';
import { listUserCredentials } from '../../passkeys/passkeys.js';
import type { Project } from '../../projects/project.js';
import { getUser } from '../../users/users.js';
import { issueChallenge } from '../shared/challenges.js';
import { CHALLENGE_TTL, SUPPORTED_ALGORITHMS, WEBAUTHN_TIMEOUT_MS } from '../shared/lifetimes.js';
import { openProcess } from '../shared/processes.js';

export interface StartAppendResult {
  attestationOptions: PublicKeyCredentialCreationOptionsJSON;
  challengeId: string;
}

/**
 * Creation options for a new discoverable passkey. The user handle is the user's `webauthnId`
 * (its UTF-8 bytes), and the user's existing passkeys are excluded so that one authenticator does
 * not register twice.
 *
 * The page may start an append the user asked for even where append/init advised against an offer
 * (declined recently, a passkey already on the device); only the policy's hard refusals stop it.
 * `conditional` (automatic upgrade) is honoured only where append/init allowed it, and its
 * challenge is of the one kind whose answer may come without user presence.
 */
export async function startAppend(ctx: Ctx, project: Project, input: { processId: string; conditional?: boolean }): Promise<StartAppendResult> {
  const process = await openProcess(ctx, project.id, input.processId, 'append');
  const policy = await ctx.policies.get(ctx, project.id);
  const refusal = policyRefusal(policy, { projectId: project.id, flow: 'append', userId: process.user_id, osFamily: process.os_family });
  if (refusal.length > 0) throw forbidden('append_not_allowed', `adding a passkey is not allowed for this user now (${refusal.join(', ')})`);
  const conditional = input.conditional === true;
  if (conditional && (process.conditional_create !== 1 || !policy.conditionalCreate)) {
    throw forbidden('conditional_create_not_allowed', 'conditional create was not allowed for this process (see append/init conditionalCreate)');
  }
  // The token may have been spent or revoked since init: say so now, before the browser dialog.
  await assertConnectTokenUsable(ctx, project.id, process.connect_token_id);
  const user = await getUser(ctx, project.id, process.user_id ?? '');
  const existing = await listUserCredentials(ctx, project.id, user.id);
  // Attestation is asked for only where the project checks it (mds): elsewhere it would add a
  // browser prompt and nothing the project uses.
  const attestation = await readAttestationPolicy(ctx, project.id);
  const challenge = await issueChallenge(ctx, {
    projectId: project.id,
    processId: process.id,
    kind: conditional ? 'append-conditional' : 'append',
    userId: user.id,
    ttl: CHALLENGE_TTL,
  });
  const attestationOptions = await generateRegistrationOptions({
    rpName: project.rpName,
    rpID: project.rpId,
    userName: user.identifier,
    userID: new TextEncoder().encode(user.webauthn_id),
    userDisplayName: user.display_name,
    challenge: challenge.bytes,
    timeout: WEBAUTHN_TIMEOUT_MS,
    attestationType: attestation.mode === 'mds' ? 'direct' : 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as string[] })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
  await recordProcessFact(ctx, process, { type: 'append-started', method: conditional ? 'conditional' : '', userId: user.id });
  return { attestationOptions, challengeId: challenge.row.id };
}
