import { generateRegistrationOptions, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { Ctx } from '../../context.js';
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
 */
export async function startAppend(ctx: Ctx, project: Project, input: { processId: string }): Promise<StartAppendResult> {
  const process = await openProcess(ctx, project.id, input.processId, 'append');
  // The token may have been spent or revoked since init: say so now, before the browser dialog.
  await assertConnectTokenUsable(ctx, project.id, process.connect_token_id);
  const user = await getUser(ctx, project.id, process.user_id ?? '');
  const existing = await listUserCredentials(ctx, project.id, user.id);
  const challenge = await issueChallenge(ctx, {
    projectId: project.id,
    processId: process.id,
    kind: 'append',
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
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: JSON.parse(c.transports) as string[] })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
  return { attestationOptions, challengeId: challenge.row.id };
}
