import type { Db } from '../storage/open-database.js';
import { hashSessionId } from './session.js';

/** Logging out ends the session on the server, not just in the browser: the old cookie stops working. */
export function deleteSession(db: Db, cookieValue: string | undefined): void {
  if (!cookieValue) return;
  db.prepare('DELETE FROM sessions WHERE id_hash = ? OR expires_at <= ?').run(hashSessionId(cookieValue), Math.floor(Date.now() / 1000));
}
