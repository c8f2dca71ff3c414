import type { Db } from '../storage/open-database.js';
import { DemoError } from '../errors.js';
import { normalizeEmail, toAccount, type Account, type AccountRow } from './account.js';
import { decoyHash, verifyPassword } from './password-hash.js';

/** The app's own password login: the account, or `wrong_password` that does not say which part was wrong. */
export async function checkPassword(db: Db, email: string, password: string): Promise<Account> {
  const row = db.prepare('SELECT * FROM accounts WHERE email = ?').get(normalizeEmail(email)) as AccountRow | undefined;
  const ok = await verifyPassword(password, row?.password_hash ?? (await decoyHash()));
  if (!row || !ok) throw new DemoError('wrong_password', 'That e-mail address and password do not match an account.', 401);
  return toAccount(row);
}
