import type { ApiSecretRow } from '../store/schema.js';

export interface ApiSecretInfo {
  id: string;
  projectId: string;
  /** Last 4 characters of the secret, to tell secrets apart. */
  hint: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export const toApiSecretInfo = (row: ApiSecretRow): ApiSecretInfo => ({
  id: row.id,
  projectId: row.project_id,
  hint: row.hint,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});
