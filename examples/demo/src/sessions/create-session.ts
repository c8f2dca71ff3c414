import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/open-database.js';
import { hashSessionId, SESSION_LIFETIME_SECONDS, type LoginMethod } from './session.js';

/** A new session for the account; returns the cookie value (32 random bytes), never stored as such. */
export function createSession(db: Db, accountId: number, method: LoginMethod): string {
  const id = randomBytes(32).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  db.prepare('INSERT INTO sessions (id_hash, account_id, method, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
    hashSessionId(id),
    accountId,
    method,
    now,
    now + SESSION_LIFETIME_SECONDS,
  );
  return id;
}
