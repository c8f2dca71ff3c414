import type { Db } from '../storage/open-database.js';
import { DemoError } from '../errors.js';
import { normalizeEmail, toAccount, type Account, type AccountRow } from './account.js';
import { hashPassword } from './password-hash.js';

export const MIN_PASSWORD_LENGTH = 10;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function createAccount(db: Db, input: { email: string; displayName?: string; password: string }): Promise<Account> {
  const email = normalizeEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254) {
    throw new DemoError('invalid_email', 'Enter an e-mail address like name@example.com.', 400);
  }
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new DemoError('weak_password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`, 400);
  }
  const displayName = (input.displayName ?? '').trim().slice(0, 100) || email;
  const passwordHash = await hashPassword(input.password);
  try {
    const row = db
      .prepare('INSERT INTO accounts (email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING *')
      .get(email, displayName, passwordHash, Math.floor(Date.now() / 1000)) as AccountRow;
    return toAccount(row);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new DemoError('account_exists', 'An account with this e-mail address already exists. Log in instead.', 409);
    }
    throw error;
  }
}
