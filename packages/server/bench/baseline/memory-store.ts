import type { BaselineStore, ChallengeRow, CredentialRow, ProcessRow, UserRow } from './store.js';

/**
 * The stack floor's store: the baseline's statements answered from Maps, with no SQL, no file and no
 * commit. A server on it does the HTTP, the validation and the crypto of a login and a verification
 * and nothing else, so that its CPU per operation is the least any server built on fastify,
 * SimpleWebAuthn and jose can spend, whatever it stores and however (see bench:compare's `floor`).
 * Single use still holds (the conditional checks are the same), so the load sees the same answers.
 * Nothing is ever removed: the Maps grow for the minutes a bench run lasts, as the baseline's
 * tables do.
 */
export function openMemoryStore(): BaselineStore {
  const secrets = new Map<string, { salt: string; hash: string }>();
  const users = new Map<string, UserRow>();
  const usersByIdentifier = new Map<string, UserRow>();
  // By credential id (what an assertion names), by record id (what the counter move names), by user.
  const credentials = new Map<string, CredentialRow & { last_used_at: number | null }>();
  const credentialsByRecord = new Map<string, CredentialRow & { last_used_at: number | null }>();
  const credentialsByUser = new Map<string, CredentialRow[]>();
  const processes = new Map<string, ProcessRow & { expires_at: number; completed_at: number | null }>();
  const challenges = new Map<string, ChallengeRow & { process_id: string; kind: string; expires_at: number; used_at: number | null }>();
  const spent = new Set<string>();
  /** better-sqlite3's answer to a write: how many rows it changed. */
  const done = (changes: number) => ({ changes, lastInsertRowid: 0 });
  /** An INSERT: one row. */
  const put = <K, V>(map: Map<K, V>, key: K, value: V) => {
    map.set(key, value);
    return done(1);
  };
  const statements = {
    secret: { get: (projectId: string) => secrets.get(projectId) },
    putSecret: { run: (projectId: string, salt: string, hash: string) => put(secrets, projectId, { salt, hash }) },
    userByIdentifier: { get: (identifier: string) => usersByIdentifier.get(identifier) },
    userById: { get: (id: string) => users.get(id) },
    putUser: {
      run: (id: string, identifier: string, webauthn_id: string) => {
        const user = { id, identifier, webauthn_id };
        users.set(id, user);
        usersByIdentifier.set(identifier, user);
        return done(1);
      },
    },
    credentialsOf: { all: (userId: string) => credentialsByUser.get(userId) ?? [] },
    credentialById: { get: (credentialId: string) => credentials.get(credentialId) },
    putCredential: {
      run: (id: string, user_id: string, credential_id: string, public_key: Buffer, counter: number, transports: string) => {
        const credential = { id, user_id, credential_id, public_key, counter, transports, last_used_at: null };
        credentials.set(credential_id, credential);
        credentialsByRecord.set(id, credential);
        credentialsByUser.set(user_id, [...(credentialsByUser.get(user_id) ?? []), credential]);
        return done(1);
      },
    },
    moveCounter: {
      run: ({ counter, now, id }: { counter: number; now: number; id: string }) => {
        const credential = credentialsByRecord.get(id);
        if (!credential || !((counter === 0 && credential.counter === 0) || credential.counter < counter)) return done(0);
        Object.assign(credential, { counter, last_used_at: now });
        return done(1);
      },
    },
    putProcess: { run: (id: string, expires_at: number) => put(processes, id, { id, user_id: null, expires_at, completed_at: null }) },
    openProcess: {
      get: (id: string, now: number) => {
        const process = processes.get(id);
        return process && process.expires_at > now && process.completed_at === null ? process : undefined;
      },
    },
    setProcessUser: {
      run: (userId: string, id: string) => {
        const process = processes.get(id);
        if (!process) return done(0);
        process.user_id = userId;
        return done(1);
      },
    },
    completeProcess: {
      run: (now: number, id: string) => {
        const process = processes.get(id);
        if (!process || process.completed_at !== null) return done(0);
        process.completed_at = now;
        return done(1);
      },
    },
    putChallenge: {
      run: (id: string, process_id: string, kind: string, challenge: string, user_id: string | null, expires_at: number) =>
        put(challenges, `${process_id} ${kind} ${challenge}`, { id, process_id, kind, challenge, user_id, expires_at, used_at: null }),
    },
    consumeChallenge: {
      get: (now: number, processId: string, kind: string, challenge: string, notExpired: number) => {
        const row = challenges.get(`${processId} ${kind} ${challenge}`);
        if (!row || row.used_at !== null || row.expires_at <= notExpired) return undefined;
        row.used_at = now;
        return row;
      },
    },
    spendToken: { run: (jti: string) => done(spent.has(jti) ? 0 : (spent.add(jti), 1)) },
    // The floor keeps no trail: the event is accepted and dropped.
    event: { run: () => done(1) },
  };
  return {
    db: { transaction: (fn) => fn, close: () => undefined },
    // The statements' argument lists are the SQL's, which TypeScript cannot see through better-sqlite3's types.
    s: statements as unknown as BaselineStore['s'],
  };
}
