import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

export interface PrefillCounts {
  passkeys: number;
  liveSpentTokens: number;
  expiredSpentTokens: number;
  seconds: number;
}

/**
 * Fills a migrated Latchkey SQLite file, before its server starts, with `n` users each holding one
 * passkey, `n` spent tokens still alive, and n/10 spent tokens expired beyond retention (for
 * housekeeping to prune): one transaction of batched INSERTs into the real schema, which is what
 * makes millions of rows a matter of a minute or so.
 */
export function prefillSqlite(file: string, projectId: string, n: number): PrefillCounts {
  const started = Date.now();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -131072');
  const now = Math.floor(Date.now() / 1000);
  const user = db.prepare('INSERT INTO users (id, project_id, identifier, display_name, webauthn_id, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const credential = db.prepare(
    `INSERT INTO credentials (id, project_id, user_id, credential_id, public_key, algorithm, counter, transports, aaguid,
       backup_eligible, backup_state, attestation_format, user_agent, created_at) VALUES (?, ?, ?, ?, ?, -7, 0, '[]', ?, 0, 0, 'none', NULL, ?)`,
  );
  const spent = db.prepare('INSERT INTO spent_tokens (jti, project_id, user_id, spent_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  // Any well-formed COSE key will do: these passkeys are looked past, never used.
  const publicKey = randomBytes(77).toString('base64url');
  const aaguid = '00000000-0000-0000-0000-000000000000';
  // Keys in ascending order (a run prefix, then a zero-padded counter): the B-trees are appended to
  // rather than split at random, which is most of the speed. A lookup costs the same either way.
  const prefix = randomBytes(6).toString('hex');
  const key = (i: number) => `${prefix}${String(i).padStart(8, '0')}`;
  const expired = Math.floor(n / 10);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const userId = `usr-pf${key(i)}`;
      user.run(userId, projectId, `prefill-${key(i)}@example.com`, '', `pf${key(i)}`, now);
      credential.run(`cred-pf${key(i)}`, projectId, userId, `pf${key(i)}`, publicKey, aaguid, now);
    }
    for (let i = 0; i < n + expired; i++) {
      const expiresAt = i < n ? now + 86_400 : now - 7200;
      spent.run(`jti-pf${key(i)}`, projectId, `usr-pf${key(i % n)}`, expiresAt - 600, expiresAt);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { passkeys: n, liveSpentTokens: n, expiredSpentTokens: expired, seconds: (Date.now() - started) / 1000 };
}

/** Spent-token rows, and those expired beyond retention (which housekeeping must have pruned). */
export function countSpentTokens(file: string, retentionSeconds: number): { total: number; prunable: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const cutoff = Math.floor(Date.now() / 1000) - retentionSeconds;
    const total = (db.prepare('SELECT count(*) AS n FROM spent_tokens').get() as { n: number }).n;
    const prunable = (db.prepare('SELECT count(*) AS n FROM spent_tokens WHERE expires_at < ?').get(cutoff) as { n: number }).n;
    return { total, prunable };
  } finally {
    db.close();
  }
}
