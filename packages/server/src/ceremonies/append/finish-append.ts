import { verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { readAttestationPolicy } from '../../attestation/attestation-policy.js';
import { AttestationRefusal } from '../../attestation/attestation-refusal.js';
import { enforceAttestationPolicy } from '../../attestation/enforce-attestation-policy.js';
import { recordProcessFact } from '../../adoption/events/record-adoption-event.js';
import { noteDevice } from '../../adoption/nudges/user-devices.js';
import type { Ctx } from '../../context.js';
import { spendConnectToken } from '../../connect-tokens/connect-tokens.js';
import { conflict, LatchkeyError, webauthnFailed } from '../../errors/latchkey-error.js';
import { recordEvent, recordRefusal } from '../../events/record-event.js';
import { credentialSignals, type CredentialSignals } from '../../passkeys/credential-signals.js';
import { toPasskey, type Passkey } from '../../passkeys/passkey.js';
import { withIcons } from '../../passkeys/with-icons.js';
import { acceptedOrigins } from '../../projects/accepted-origins.js';
import { getUser } from '../../users/users.js';
import type { Project } from '../../projects/project.js';
import type { CredentialRow, ProcessRow } from '../../store/schema.js';
import { inTransaction } from '../../store/in-transaction.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { nowSeconds } from '../../util/clock.js';
import { newCredentialRecordId } from '../../util/ids.js';
import { refuseOverlongCredentialId, refuseSelfAttestationAlgMismatch } from './credential-limits.js';
import { consumeChallenge } from '../shared/challenges.js';
import { classifyWebAuthnError } from '../shared/classify-webauthn-error.js';
import { readClientData } from '../shared/client-data.js';
import { SUPPORTED_ALGORITHMS } from '../shared/lifetimes.js';
import { completeProcess, openProcess } from '../shared/processes.js';

/**
 * Verifies the new passkey and stores it. The challenge is spent first (answered at most once);
 * then, in one transaction, the connect token is spent, the credential stored, the process closed
 * and the event written — all or nothing. Every refusal is recorded as an `append-failed` event.
 */
export async function finishAppend(
  ctx: Ctx,
  project: Project,
  input: { processId: string; attestationResponse: RegistrationResponseJSON; userAgent?: string },
): Promise<{ passkey: Passkey; signals: CredentialSignals }> {
  let process: ProcessRow | undefined;
  try {
    process = await openProcess(ctx, project.id, input.processId, 'append');
    // The user's current names, for signalCurrentUserDetails (the app may have renamed them).
    const user = await getUser(ctx, project.id, process.user_id ?? '');
    const [passkey] = await withIcons(ctx, [await verifyAndStore(ctx, project, process, input.attestationResponse, input.userAgent)]);
    return { passkey: passkey!, signals: credentialSignals(project, user) };
  } catch (error) {
    // A made-up process id is not an attempt on anyone's account: it leaves no trace in the trail.
    if (error instanceof LatchkeyError && error.code !== 'process_not_found') {
      await recordRefusal(ctx, {
        projectId: project.id,
        type: 'append-failed',
        userId: process?.user_id ?? null,
        processId: input.processId,
        detail: { reason: error.code, ...(error instanceof AttestationRefusal ? error.audit : {}) },
      });
    }
    throw error;
  }
}

async function verifyAndStore(
  ctx: Ctx,
  project: Project,
  process: ProcessRow,
  response: RegistrationResponseJSON,
  userAgent: string | undefined,
): Promise<Passkey> {
  refuseOverlongCredentialId(response.rawId);
  refuseOverlongCredentialId(response.id);
  const clientData = readClientData(response.response.clientDataJSON, 'webauthn.create', project);
  const challenge = await consumeChallenge(ctx, { processId: process.id, kind: ['append', 'append-conditional'], challenge: clientData.challenge });
  // Only a challenge issued for conditional create (automatic upgrade right after a password
  // login) may be answered without user presence or verification; every other append needs both.
  const conditional = challenge.kind === 'append-conditional';

  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: acceptedOrigins(project),
    expectedRPID: project.rpId,
    requireUserPresence: !conditional,
    requireUserVerification: !conditional,
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  }).catch((error: unknown) => {
    throw classifyWebAuthnError(error);
  });
  if (!verification.verified) throw webauthnFailed('attestation_invalid', 'the attestation statement does not verify');
  const info = verification.registrationInfo;
  const algorithm = Number(decodeCredentialPublicKey(info.credential.publicKey).get(cose.COSEKEYS.alg));
  // The id the authenticator data carries is the one stored: held to the same limit.
  refuseOverlongCredentialId(info.credential.id);
  refuseSelfAttestationAlgMismatch(response, algorithm);
  await enforceAttestationPolicy(ctx, await readAttestationPolicy(ctx, project.id), info);

  const row: CredentialRow = {
    id: newCredentialRecordId(),
    project_id: project.id,
    user_id: challenge.user_id ?? '',
    credential_id: info.credential.id,
    public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
    algorithm,
    counter: info.credential.counter,
    transports: JSON.stringify(response.response.transports ?? []),
    aaguid: info.aaguid,
    backup_eligible: info.credentialDeviceType === 'multiDevice' ? 1 : 0,
    backup_state: info.credentialBackedUp ? 1 : 0,
    attestation_format: info.fmt,
    user_agent: userAgent?.slice(0, 512) ?? null,
    created_at: nowSeconds(ctx.clock),
    last_used_at: null,
    device_id: process.device_id,
    name: null,
  };

  await inTransaction(ctx, async (txCtx) => {
    await spendConnectToken(txCtx, project.id, process.connect_token_id);
    await txCtx.store.db
      .insertInto('credentials')
      .values(row)
      .execute()
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict('credential_already_registered', 'this passkey is already registered in this project');
        throw error;
      });
    await completeProcess(txCtx, process.id);
    await recordEvent(txCtx, {
      projectId: project.id,
      type: 'passkey-appended',
      userId: row.user_id,
      credentialId: row.id,
      processId: process.id,
      detail: { aaguid: row.aaguid, attestationFormat: row.attestation_format, algorithm: row.algorithm, ...(conditional ? { conditional } : {}) },
    });
    await recordProcessFact(txCtx, process, { type: 'append-completed', method: conditional ? 'conditional' : '', userId: row.user_id });
    // A passkey now lives on this device: no back-off to remember, and no cross-device reason to offer.
    if (process.device_id !== null) {
      await noteDevice(txCtx, { projectId: project.id, userId: row.user_id, deviceId: process.device_id }, { dismissals: 0, next_offer_at: null, cross_device_at: null });
    }
  });
  return toPasskey(row);
}
