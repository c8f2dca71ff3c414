import type { UserRow } from '../store/schema.js';

export interface User {
  userID: string;
  identifier: string;
  displayName: string;
  webauthnId: string;
  createdAt: number;
}

export const toUser = (row: UserRow): User => ({
  userID: row.id,
  identifier: row.identifier,
  displayName: row.display_name,
  webauthnId: row.webauthn_id,
  createdAt: row.created_at,
});
