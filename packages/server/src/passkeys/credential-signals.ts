import type { Project } from '../projects/project.js';
import type { CredentialRow, UserRow } from '../store/schema.js';

/**
 * What the browser SDK hands the WebAuthn Signal API so that password managers keep in step with
 * Latchkey: `signalCurrentUserDetails` (the user's current names) and, where the answer lists
 * them, `signalAllAcceptedCredentials` (drop passkeys Latchkey no longer knows).
 */
export interface CredentialSignals {
  rpId: string;
  /** The WebAuthn user handle (user.id at creation): the webauthnId's UTF-8 bytes, base64url. */
  userHandle: string;
  /** user.name at creation: the identifier. */
  name: string;
  displayName: string;
  /** Every passkey of the user Latchkey accepts (credential ids, base64url), where the answer carries them. */
  acceptedCredentialIds?: string[];
}

export function credentialSignals(project: Project, user: Pick<UserRow, 'identifier' | 'display_name' | 'webauthn_id'>, credentials?: CredentialRow[]): CredentialSignals {
  return {
    rpId: project.rpId,
    userHandle: Buffer.from(user.webauthn_id, 'utf8').toString('base64url'),
    name: user.identifier,
    displayName: user.display_name,
    ...(credentials ? { acceptedCredentialIds: credentials.map((c) => c.credential_id) } : {}),
  };
}
