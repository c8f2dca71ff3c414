import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * The app's own store: its accounts and its sessions. Latchkey keeps none of this; it only knows
 * the e-mail address the app gives it as a user's identifier.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE accounts (
     id            INTEGER PRIMARY KEY,
     email         TEXT    NOT NULL UNIQUE,
     display_name  TEXT    NOT NULL,
     password_hash TEXT    NOT NULL,
     created_at    INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     id_hash    TEXT    PRIMARY KEY,
     account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
     method     TEXT    NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX sessions_account ON sessions(account_id);`,
];

export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, 'demo.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
