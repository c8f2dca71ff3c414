import type { Db } from '../storage/open-database.js';
import { normalizeEmail, toAccount, type Account, type AccountRow } from './account.js';

export function findAccountByEmail(db: Db, email: string): Account | undefined {
  const row = db.prepare('SELECT * FROM accounts WHERE email = ?').get(normalizeEmail(email)) as AccountRow | undefined;
  return row && toAccount(row);
}
