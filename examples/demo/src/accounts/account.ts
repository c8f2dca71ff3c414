export interface Account {
  id: number;
  email: string;
  displayName: string;
  createdAt: number;
}

export interface AccountRow {
  id: number;
  email: string;
  display_name: string;
  password_hash: string;
  created_at: number;
}

export const toAccount = (row: AccountRow): Account => ({ id: row.id, email: row.email, displayName: row.display_name, createdAt: row.created_at });

/**
 * The app owns its login names, and Latchkey matches identifiers exactly as the app sends them: so
 * the app normalises once, here, and uses the normalised address everywhere (its own table, connect
 * tokens, the username it asks Latchkey to check).
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
