import type { CredentialRow } from '../store/schema.js';
import { authenticatorName } from './authenticator-names.js';

/** The `passkey` object of the API contract. */
export interface Passkey {
  id: string;
  credentialId: string;
  aaguid: string;
  authenticatorName?: string;
  backupEligible: boolean;
  backupState: boolean;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
  userAgent?: string;
}

export function toPasskey(row: CredentialRow): Passkey {
  const name = authenticatorName(row.aaguid);
  return {
    id: row.id,
    credentialId: row.credential_id,
    aaguid: row.aaguid,
    ...(name ? { authenticatorName: name } : {}),
    backupEligible: row.backup_eligible === 1,
    backupState: row.backup_state === 1,
    transports: JSON.parse(row.transports) as string[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
  };
}
