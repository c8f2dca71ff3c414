import type { Account, AccountRow } from '../accounts/account.js';
import { toAccount } from '../accounts/account.js';
import type { Db } from '../storage/open-database.js';
import { hashSessionId, type LoginMethod } from './session.js';

export interface Session {
  account: Account;
  method: LoginMethod;
  createdAt: number;
}

/** The live session behind a cookie value, or undefined (unknown, expired, or the account is gone). */
export function findSession(db: Db, cookieValue: string | undefined): Session | undefined {
  if (!cookieValue) return undefined;
  const row = db
    .prepare(
      `SELECT a.*, s.method AS session_method, s.created_at AS session_created_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id_hash = ? AND s.expires_at > ?`,
    )
    .get(hashSessionId(cookieValue), Math.floor(Date.now() / 1000)) as (AccountRow & { session_method: LoginMethod; session_created_at: number }) | undefined;
  return row && { account: toAccount(row), method: row.session_method, createdAt: row.session_created_at };
}
