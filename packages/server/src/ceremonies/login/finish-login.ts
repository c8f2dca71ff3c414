import type { CompiledQuery, QueryResult } from 'kysely';
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { policyRefusal } from '../../adoption/decisions/policy-refusal.js';
import { adoptionInsert, processFact } from '../../adoption/events/record-adoption-event.js';
import { deviceUpsert } from '../../adoption/nudges/user-devices.js';
import type { Ctx } from '../../context.js';
import { forbidden, LatchkeyError, webauthnFailed } from '../../errors/latchkey-error.js';
import { eventInsert, recordRefusal } from '../../events/record-event.js';
import { credentialSignals, type CredentialSignals } from '../../passkeys/credential-signals.js';
import { acceptedOrigins } from '../../projects/accepted-origins.js';
import type { Project } from '../../projects/project.js';
import { issueSignedPasskeyData } from '../../signed-data/issue-signed-data.js';
import { inTransaction } from '../../store/in-transaction.js';
import { prepareQuery } from '../../store/prepare-query.js';
import type { ProcessRow, UserRow } from '../../store/schema.js';
import { nowSeconds } from '../../util/clock.js';
import { consumeChallenge } from '../shared/challenges.js';
import { classifyWebAuthnError } from '../shared/classify-webauthn-error.js';
import { loginCompletedFact, loginSucceededEvent, type LoginSuccess } from './login-success.js';
import { recordSuccessInOneStatement } from './record-success-in-one-statement.js';
import { readClientData } from '../shared/client-data.js';
import { checkOpen, completeOnceQuery, processCompleted } from '../shared/processes.js';
import { readProcessWithPasskey, type PasskeyWithUser } from './process-with-passkey.js';

export interface FinishLoginResult {
  signedPasskeyData: string;
  passkeyOperation: { identifier: string; credentialId: string; userId: string };
  /** The user's current names, for signalCurrentUserDetails. */
  signals: CredentialSignals;
}

interface Attempt {
  userId?: string;
  credentialId?: string;
}

/**
 * Verifies a passkey assertion and issues signedPasskeyData. Every attempt, good or bad, lands in
 * the event trail (`login-succeeded` / `login-failed` with the refusal code).
 */
export async function finishLogin(
  ctx: Ctx,
  project: Project,
  input: { processId: string; assertionResponse: AuthenticationResponseJSON; isConditionalUI: boolean },
): Promise<FinishLoginResult> {
  const attempt: Attempt = {};
  let process: ProcessRow | undefined;
  try {
    // The process and the passkey that answered, in one read; the passkey is checked only after the challenge is spent.
    const read = await readProcessWithPasskey(ctx, { projectId: project.id, processId: input.processId, credentialId: input.assertionResponse.id });
    process = checkOpen(ctx, read.process, { projectId: project.id, processId: input.processId, kind: 'login' });
    return await verifyAndIssue(ctx, project, process, read, input, attempt);
  } catch (error) {
    // A made-up process id is not an attempt on anyone's account: it leaves no trace in the trail.
    if (error instanceof LatchkeyError && error.code !== 'process_not_found') {
      await recordRefusal(ctx, {
        projectId: project.id,
        type: 'login-failed',
        userId: attempt.userId ?? process?.user_id ?? null,
        credentialId: attempt.credentialId ?? null,
        processId: input.processId,
        detail: { reason: error.code, isCUI: input.isConditionalUI },
      });
    }
    throw error;
  }
}

async function verifyAndIssue(
  ctx: Ctx,
  project: Project,
  process: ProcessRow,
  { passkey: found, activeKid }: { passkey?: PasskeyWithUser; activeKid?: string },
  input: { assertionResponse: AuthenticationResponseJSON; isConditionalUI: boolean },
  attempt: Attempt,
): Promise<FinishLoginResult> {
  const response = input.assertionResponse;
  const clientData = readClientData(response.response.clientDataJSON, 'webauthn.get', project);
  // Conditional UI answers the challenge handed out by init; identifier-first answers the one from start.
  const challenge = await consumeChallenge(ctx, {
    processId: process.id,
    kind: input.isConditionalUI ? 'login-cui' : 'login',
    challenge: clientData.challenge,
  });

  // Identifier-first: the attempt concerns the account being logged into, whatever passkey answers.
  if (challenge.user_id !== null) attempt.userId = challenge.user_id;

  if (!found) throw webauthnFailed('unknown_credential', 'this passkey is not registered in this project (it may have been deleted)');
  const { user_identifier: _identifier, user_webauthn_id: _webauthnId, user_display_name: _displayName, ...credential } = found;
  attempt.userId ??= credential.user_id;
  attempt.credentialId = credential.id;
  // Identifier-first: the passkey must belong to the user whose passkeys were offered.
  if (challenge.user_id !== null && challenge.user_id !== credential.user_id) {
    throw webauthnFailed('unknown_credential', 'this passkey does not belong to the user who started the login');
  }
  const user = { id: credential.user_id, identifier: found.user_identifier, webauthn_id: found.user_webauthn_id, display_name: found.user_display_name };
  checkUserHandle(response, user, input.isConditionalUI);
  // Conditional UI learns whose login it is only now; a kill switch set since start also applies.
  const refusal = policyRefusal(await ctx.policies.get(ctx, project.id), { projectId: project.id, flow: 'login', userId: user.id, osFamily: process.os_family });
  if (refusal.length > 0) throw forbidden('login_not_allowed', `passkey login is not allowed for this user now (${refusal.join(', ')})`);

  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: acceptedOrigins(project),
    expectedRPID: project.rpId,
    credential: {
      id: credential.credential_id,
      publicKey: new Uint8Array(Buffer.from(credential.public_key, 'base64url')),
      counter: credential.counter,
      transports: JSON.parse(credential.transports) as string[],
    },
    requireUserVerification: true,
  }).catch((error: unknown) => {
    throw classifyWebAuthnError(error);
  });
  if (!verification.verified) throw webauthnFailed('bad_signature', 'the assertion signature does not verify with this passkey');
  const info = verification.authenticationInfo;
  // WebAuthn L3 §7.2: backup eligibility is fixed at creation; a change means another authenticator.
  if ((info.credentialDeviceType === 'multiDevice') !== (credential.backup_eligible === 1)) {
    throw webauthnFailed('backup_eligibility_changed', 'the authenticator reports a different backup eligibility than at registration');
  }

  // Signed before anything is committed: if signing fails, the login has changed nothing.
  const signed = await issueSignedPasskeyData(ctx, project, {
    userId: user.id,
    username: user.identifier,
    credentialRecordId: credential.id,
    processId: process.id,
    challengeId: challenge.id,
    webauthnId: user.webauthn_id,
    isCUI: input.isConditionalUI,
  }, activeKid);
  await recordSuccess(ctx, {
    project,
    process,
    credential,
    challenge,
    jti: signed.claims.jti,
    newCounter: info.newCounter,
    backedUp: info.credentialBackedUp,
    isCUI: input.isConditionalUI,
    crossDevice: response.authenticatorAttachment === 'cross-platform',
  });
  return {
    signedPasskeyData: signed.token,
    passkeyOperation: { identifier: user.identifier, credentialId: credential.credential_id, userId: user.id },
    signals: credentialSignals(project, user),
  };
}

/**
 * The user handle names the account the authenticator holds this passkey for. A discoverable login
 * (Conditional UI) must present it, and any presented handle must be this credential's user's.
 */
function checkUserHandle(response: AuthenticationResponseJSON, user: Pick<UserRow, 'webauthn_id'>, discoverable: boolean): void {
  const expected = Buffer.from(user.webauthn_id, 'utf8').toString('base64url');
  const given = response.response.userHandle;
  if (given === undefined || given === null || given === '') {
    if (discoverable) throw webauthnFailed('user_handle_mismatch', 'a discoverable login must return the user handle');
    return;
  }
  if (given !== expected) throw webauthnFailed('user_handle_mismatch', 'the user handle does not belong to this passkey');
}

/**
 * The counter moves forward in the same statement that checks it, so that two concurrent uses of one
 * counter value (a cloned authenticator racing the original) cannot both pass. Counters that stay
 * 0 belong to authenticators without counters (most synced passkeys) and are allowed. Then the
 * process completes (once), and the audit and funnel events and the device mark are written, all
 * atomically. On PostgreSQL all of it is one statement (record-success-in-one-statement.ts); on
 * SQLite one member of the group commit, its statements run at once (sqlite-group-commit.ts).
 */
async function recordSuccess(ctx: Ctx, success: LoginSuccess): Promise<void> {
  if (ctx.store.dialect === 'postgres' && !ctx.store.db.isTransaction) return recordSuccessInOneStatement(ctx, success);
  const writes = successWrites(ctx, success);
  const direct = ctx.store.sqlite;
  if (direct && !ctx.store.db.isTransaction) {
    // Refusals queued earlier go first, so that the trail keeps this instance's order (as inTransaction does).
    if (ctx.events?.size) await ctx.events.flush();
    return direct.member((run) => {
      if (changed(run(writes.counter)) !== 1) explainCounterNotMoved(run(writes.passkeyStillThere()).rows.length > 0);
      if (changed(run(writes.complete)) !== 1) throw processCompleted(success.process.id);
      for (const write of writes.records) run(write);
    });
  }
  await inTransaction(ctx, async (txCtx) => {
    const run = (query: CompiledQuery) => txCtx.store.db.executeQuery(query);
    if (changed(await run(writes.counter)) !== 1) explainCounterNotMoved((await run(writes.passkeyStillThere())).rows.length > 0);
    if (changed(await run(writes.complete)) !== 1) throw processCompleted(success.process.id);
    for (const write of writes.records) await run(write);
  });
}

/** A login success's statements, compiled: the guarded counter move and completion, then what it records. */
function successWrites(ctx: Ctx, success: LoginSuccess) {
  const { project, process, credential, newCounter } = success;
  const now = nowSeconds(ctx.clock);
  const counterMove = newCounter === 0 ? keepZeroCounter : moveCounterForward;
  // The funnel counts the login by method; and a cross-device (hybrid) login from a device with an
  // id marks that device as one to offer a passkey on, while a login with a passkey on the device
  // itself clears the mark.
  const device =
    process.device_id === null
      ? []
      : [deviceUpsert(ctx, { projectId: project.id, userId: credential.user_id, deviceId: process.device_id }, { cross_device_at: success.crossDevice ? now : null })];
  return {
    counter: counterMove.compiled(ctx, { id: credential.id, counter: newCounter, backupState: success.backedUp ? 1 : 0, now }),
    // Compiled only when the counter did not move, to tell why.
    passkeyStillThere: () => passkeyById.compiled(ctx, { id: credential.id }),
    complete: completeOnceQuery(ctx, process.id),
    records: [eventInsert(ctx, loginSucceededEvent(success)), adoptionInsert(ctx, processFact(process, loginCompletedFact(success))), ...device],
  };
}

const changed = (result: QueryResult<unknown>) => Number(result.numAffectedRows ?? 0);

/** The counter did not move: the passkey was deleted meanwhile, or its counter did not go forward. */
function explainCounterNotMoved(passkeyStillThere: boolean): never {
  if (!passkeyStillThere) throw webauthnFailed('unknown_credential', 'this passkey was deleted while the login was under way');
  throw webauthnFailed('counter_regressed', 'the signature counter did not move forward: this passkey may have been cloned');
}

const passkeyById = prepareQuery((db, args: { id: string }) => db.selectFrom('credentials').select('id').where('id', '=', args.id));

/** The counter moves forward (a counter the authenticator keeps) ... */
const moveCounterForward = prepareQuery((db, args: { id: string; counter: number; backupState: number; now: number }) =>
  db
    .updateTable('credentials')
    .set({ counter: args.counter, backup_state: args.backupState, last_used_at: args.now })
    .where('id', '=', args.id)
    .where('counter', '<', args.counter),
);

/** ... or stays 0 (an authenticator without a counter; `counter` is 0 in the arguments too). */
const keepZeroCounter = prepareQuery((db, args: { id: string; counter: number; backupState: number; now: number }) =>
  db
    .updateTable('credentials')
    .set({ counter: args.counter, backup_state: args.backupState, last_used_at: args.now })
    .where('id', '=', args.id)
    .where('counter', '=', 0),
);
