import Database from 'better-sqlite3';

/**
 * The baseline's whole store: one SQLite file, the pragmas Latchkey uses (WAL, synchronous NORMAL,
 * foreign keys, busy timeout), and every statement prepared once at start.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS api_secrets (project_id TEXT PRIMARY KEY, salt TEXT NOT NULL, hash TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, identifier TEXT NOT NULL UNIQUE, webauthn_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS credentials (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, credential_id TEXT NOT NULL UNIQUE,
    public_key BLOB NOT NULL, counter INTEGER NOT NULL, transports TEXT NOT NULL, last_used_at INTEGER);
  CREATE INDEX IF NOT EXISTS credentials_user ON credentials(user_id);
  CREATE TABLE IF NOT EXISTS processes (id TEXT PRIMARY KEY, user_id TEXT, expires_at INTEGER NOT NULL, completed_at INTEGER);
  CREATE TABLE IF NOT EXISTS challenges (
    id TEXT PRIMARY KEY, process_id TEXT NOT NULL REFERENCES processes(id) ON DELETE CASCADE, kind TEXT NOT NULL,
    challenge TEXT NOT NULL, user_id TEXT, expires_at INTEGER NOT NULL, used_at INTEGER);
  CREATE INDEX IF NOT EXISTS challenges_process ON challenges(process_id);
  CREATE TABLE IF NOT EXISTS spent_tokens (jti TEXT PRIMARY KEY, user_id TEXT NOT NULL, spent_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, type TEXT NOT NULL, user_id TEXT, credential_id TEXT, process_id TEXT, detail TEXT, created_at INTEGER NOT NULL);
`;

export interface UserRow { id: string; identifier: string; webauthn_id: string }
export interface CredentialRow { id: string; user_id: string; credential_id: string; public_key: Buffer; counter: number; transports: string }
export interface ChallengeRow { id: string; user_id: string | null; challenge: string }
export interface ProcessRow { id: string; user_id: string | null }

export function openBaselineStore(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const s = {
    secret: db.prepare<[string], { salt: string; hash: string }>('SELECT salt, hash FROM api_secrets WHERE project_id = ?'),
    putSecret: db.prepare('INSERT INTO api_secrets (project_id, salt, hash) VALUES (?, ?, ?)'),
    userByIdentifier: db.prepare<[string], UserRow>('SELECT * FROM users WHERE identifier = ?'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    putUser: db.prepare('INSERT INTO users (id, identifier, webauthn_id) VALUES (?, ?, ?)'),
    credentialsOf: db.prepare<[string], { credential_id: string; transports: string }>('SELECT credential_id, transports FROM credentials WHERE user_id = ?'),
    credentialById: db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE credential_id = ?'),
    putCredential: db.prepare('INSERT INTO credentials (id, user_id, credential_id, public_key, counter, transports) VALUES (?, ?, ?, ?, ?, ?)'),
    // The counter moves forward in the statement that checks it (0 stays 0 for counterless authenticators).
    moveCounter: db.prepare(
      'UPDATE credentials SET counter = @counter, last_used_at = @now WHERE id = @id AND ((@counter = 0 AND counter = 0) OR counter < @counter)',
    ),
    putProcess: db.prepare('INSERT INTO processes (id, expires_at) VALUES (?, ?)'),
    openProcess: db.prepare<[string, number], ProcessRow>('SELECT id, user_id FROM processes WHERE id = ? AND expires_at > ? AND completed_at IS NULL'),
    setProcessUser: db.prepare('UPDATE processes SET user_id = ? WHERE id = ?'),
    completeProcess: db.prepare('UPDATE processes SET completed_at = ? WHERE id = ? AND completed_at IS NULL'),
    putChallenge: db.prepare('INSERT INTO challenges (id, process_id, kind, challenge, user_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
    // Single use: one conditional UPDATE spends the challenge; of concurrent answers exactly one wins.
    consumeChallenge: db.prepare<[number, string, string, string, number], ChallengeRow>(
      'UPDATE challenges SET used_at = ? WHERE process_id = ? AND kind = ? AND challenge = ? AND used_at IS NULL AND expires_at > ? RETURNING id, user_id, challenge',
    ),
    spendToken: db.prepare('INSERT INTO spent_tokens (jti, user_id, spent_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (jti) DO NOTHING'),
    event: db.prepare('INSERT INTO events (type, user_id, credential_id, process_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
  };
  return { db, s };
}

/**
 * What the routes use of a store: a transaction wrapper and the statements, each with better-sqlite3's
 * `run` / `get` / `all`. The SQLite store above and the stack floor's Maps (memory-store.ts) both have it.
 */
export interface BaselineStore {
  db: { transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R; close(): unknown };
  s: { [K in keyof ReturnType<typeof openBaselineStore>['s']]: Pick<ReturnType<typeof openBaselineStore>['s'][K], 'run' | 'get' | 'all'> };
}
