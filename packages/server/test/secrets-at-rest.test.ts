import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { compactDecrypt } from 'jose';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { createProject } from '../src/projects/create-project.js';
import { createContext } from '../src/server.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openStore } from '../src/store/store.js';
import { signedPasskeyData, verify } from './helpers/ceremonies.js';
import { killAllCliProcesses, runCliFails, runCliJson, serveCli, TEST_POSTGRES_KEK, type RunOptions } from './helpers/cli-process.js';
import { ORIGIN } from './helpers/harness.js';
import { httpRequest, projectClient, type TestProject } from './helpers/http-client.js';
import { freshDatabase, TEST_STORE, type TestDatabase } from './helpers/test-store.js';

/**
 * Signing keys at rest, through the real `latchkey` command: sealed by default with a
 * key-encryption key that `serve` and the CLI share (a 0600 file beside an SQLite store; configured
 * on PostgreSQL; a production start refuses plain PEM unless allowed explicitly). And SQLite's
 * durability setting.
 */

const dirs: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  killAllCliProcesses();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const database of databases) await database.drop();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-at-rest-'));
  dirs.push(dir);
  return dir;
}

async function freshDb(): Promise<string> {
  const database = await freshDatabase();
  databases.push(database);
  return database.url;
}

/** Each test runs several `latchkey` processes, each a Node start of its own: seconds on a busy machine. */
const SLOW = 120_000;

const createArgs = ['project', 'create', '--name', 'At rest', '--rp-id', 'localhost', '--origin', ORIGIN];

interface Created {
  projectId: string;
  apiSecret: string;
  project: TestProject['project'];
}

/** Every stored private key, read from the database itself (not through Latchkey). */
async function storedPrivateKeys(url: string): Promise<string[]> {
  if (url.startsWith('file:')) {
    const db = new SQLite(url.slice('file:'.length), { readonly: true });
    try {
      return (db.prepare('select private_key from signing_keys order by generation').all() as Array<{ private_key: string }>).map((r) => r.private_key);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ private_key: string }>('select private_key from signing_keys order by project_id, generation')).rows.map((r) => r.private_key);
  } finally {
    await client.end();
  }
}

/** A JWE (dir, A256GCM) that opens with `kek` to a PKCS#8 PEM, and no PEM in sight. */
async function expectSealed(stored: string, kek: Uint8Array): Promise<void> {
  expect(stored).not.toContain('BEGIN');
  expect(stored.split('.')).toHaveLength(5);
  expect(JSON.parse(Buffer.from(stored.split('.')[0]!, 'base64url').toString('utf8'))).toEqual({ alg: 'dir', enc: 'A256GCM' });
  expect(new TextDecoder().decode((await compactDecrypt(stored, kek)).plaintext)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
}

const keyOf = (file: string) => new Uint8Array(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));

/** A store holding one project whose key was made as plain PEM (as every version before this one did). */
async function storeWithPlainKey(url: string): Promise<Created> {
  const store = openStore(url);
  try {
    await migrateToLatest(store);
    const { project, apiSecret } = await createProject(createContext({ keyEncryptionKey: undefined }, store), { name: 'Old', rpId: 'localhost', origins: [ORIGIN] });
    return { projectId: project.id, apiSecret: apiSecret.secret, project };
  } finally {
    await store.close();
  }
}

if (TEST_STORE === 'sqlite') {
  describe('signing keys at rest on SQLite', () => {
    it('a fresh `serve` creates the key file (0600) beside the database; every key is sealed; a restart reuses the file and old tokens still verify', async () => {
      const dir = tempDir();
      const file = join(dir, 'data', 'latchkey.sqlite');
      const options: RunOptions = { db: `file:${file}`, cwd: dir, env: { LATCHKEY_LOG_LEVEL: 'info' } };
      const first = await serveCli([], options);
      const keyFile = `${file}.kek`;
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
      const kek = keyOf(keyFile);
      expect(first.stdout()).toContain(`created the key-encryption key file ${keyFile} (mode 0600)`);

      // The CLI beside the running server seals with the same key.
      const created = await runCliJson<Created>(createArgs, options);
      const rotated = await runCliJson<{ active: string }>(['keys', 'rotate', '--project', created.projectId], options);
      expect(rotated.active).toMatch(/^pki-/);
      const stored = await storedPrivateKeys(options.db);
      // The project's two keys, and the key of the console's own project (docs/console.md) that serve created.
      expect(stored).toHaveLength(3);
      for (const key of stored) await expectSealed(key, kek);

      const authenticator = new SoftAuthenticator();
      const before = await signedPasskeyData(projectClient(first.url, created.project, created.apiSecret), authenticator, 'rest@example.com');
      expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      const second = await serveCli([], options);
      try {
        expect(keyOf(keyFile)).toEqual(kek);
        expect(second.stdout()).not.toContain('created the key-encryption key file');
        const p = projectClient(second.url, created.project, created.apiSecret);
        expect((await verify(p, before)).body.verificationResult).toBe('success');
        const after = await signedPasskeyData(p, authenticator, 'rest@example.com');
        expect((await verify(p, after)).body.verificationResult).toBe('success');
      } finally {
        await second.stop('SIGTERM');
      }
    }, SLOW);

    it('seals keys stored as plain PEM by an older version in place at start, and they keep signing', async () => {
      const dir = tempDir();
      const db = `file:${join(dir, 'old.sqlite')}`;
      const old = await storeWithPlainKey(db);
      expect((await storedPrivateKeys(db))[0]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const options: RunOptions = { db, cwd: dir, env: { LATCHKEY_LOG_LEVEL: 'info' } };
      const served = await serveCli([], options);
      try {
        expect(served.stdout()).toContain('encrypted 1 signing key(s) that were stored as plain PEM');
        const [stored] = await storedPrivateKeys(db);
        await expectSealed(stored!, keyOf(join(dir, 'old.sqlite.kek')));
        const p = projectClient(served.url, old.project, old.apiSecret);
        expect((await verify(p, await signedPasskeyData(p, new SoftAuthenticator(), 'old@example.com'))).body.verificationResult).toBe('success');
      } finally {
        await served.stop('SIGTERM');
      }
    }, SLOW);

    it('refuses to replace a lost key file while sealed keys exist, and refuses a key file others can read', async () => {
      const dir = tempDir();
      const db = `file:${join(dir, 'l.sqlite')}`;
      const options: RunOptions = { db, cwd: dir };
      await runCliJson<Created>(createArgs, options);
      const keyFile = join(dir, 'l.sqlite.kek');
      const kek = readFileSync(keyFile, 'utf8');

      chmodSync(keyFile, 0o644);
      for (const refused of await Promise.all([['serve'], createArgs].map((args) => runCliFails(args, options)))) {
        expect(refused).toContain(`the key-encryption key file ${keyFile} can be read by other users (mode 0644): run chmod 600 ${keyFile}`);
      }

      unlinkSync(keyFile);
      for (const refused of await Promise.all([['serve'], createArgs].map((args) => runCliFails(args, options)))) {
        expect(refused).toContain(`the store's signing keys are encrypted, but the key-encryption key file ${keyFile} does not exist`);
      }
      expect(existsSync(keyFile)).toBe(false);
      // The same key, given as the variable, opens them.
      const served = await serveCli([], { ...options, env: { LATCHKEY_KEY_ENCRYPTION_KEY: kek.trim() } });
      await served.stop('SIGTERM');
    }, SLOW);

    it('LATCHKEY_KEY_ENCRYPTION_KEY_FILE puts the key file where it says, for serve and the CLI alike', async () => {
      const dir = tempDir();
      const keyFile = join(dir, 'secrets', 'latchkey.kek');
      const options: RunOptions = { db: `file:${join(dir, 'l.sqlite')}`, cwd: dir, env: { LATCHKEY_KEY_ENCRYPTION_KEY_FILE: keyFile } };
      const refused = await runCliFails(createArgs, options);
      expect(refused).toContain(`cannot create the key-encryption key file ${keyFile}`);
      const created = await runCliJson<Created>(createArgs, { ...options, env: { LATCHKEY_KEY_ENCRYPTION_KEY_FILE: join(dir, 'latchkey.kek') } });
      expect(created.projectId).toMatch(/^pro-/);
      expect(existsSync(join(dir, 'l.sqlite.kek'))).toBe(false);
      expect(statSync(join(dir, 'latchkey.kek')).mode & 0o777).toBe(0o600);
      await expectSealed((await storedPrivateKeys(options.db))[0]!, keyOf(join(dir, 'latchkey.kek')));
    }, SLOW);
  });

  describe('SQLite synchronous', () => {
    it('is normal by default and full with LATCHKEY_SQLITE_SYNCHRONOUS=full, in the pragma, the start-up log and /readyz', async () => {
      const dir = tempDir();
      for (const [setting, pragma] of [
        [undefined, 1],
        ['full', 2],
      ] as const) {
        const db = `file:${join(dir, `${setting ?? 'default'}.sqlite`)}`;
        const store = openStore(db, setting ? { synchronous: setting } : {});
        try {
          expect((await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db)).rows).toEqual([{ synchronous: pragma }]);
        } finally {
          await store.close();
        }
        const served = await serveCli([], { db, cwd: dir, env: { LATCHKEY_LOG_LEVEL: 'info', LATCHKEY_SQLITE_SYNCHRONOUS: setting } });
        try {
          const expected = setting ?? 'normal';
          expect(served.stdout()).toContain(`"sqliteSynchronous":"${expected}"`);
          expect((await httpRequest(served.url, 'GET', '/readyz')).body).toMatchObject({ status: 'ready', checks: { store: 'ok' }, sqliteSynchronous: expected });
        } finally {
          await served.stop('SIGTERM');
        }
      }
      const refused = await runCliFails(['serve'], { db: `file:${join(dir, 'x.sqlite')}`, cwd: dir, env: { LATCHKEY_SQLITE_SYNCHRONOUS: 'off' } });
      expect(refused).toContain('LATCHKEY_SQLITE_SYNCHRONOUS must be one of normal, full, got "off"');
    }, SLOW);
  });
} else {
  describe('signing keys at rest on PostgreSQL', () => {
    const noKek = { LATCHKEY_KEY_ENCRYPTION_KEY: undefined };

    it('a production start needs a configured key-encryption key: without one, serve and the key commands refuse unless plain keys are allowed explicitly; any other start warns', async () => {
      const db = await freshDb();
      const cwd = tempDir();
      // One after the other: each is a Node start of its own, and runCli gives each 20 s.
      const refusals: string[] = [];
      for (const args of [['serve'], createArgs]) refusals.push(await runCliFails(args, { db, cwd, env: { ...noKek, NODE_ENV: 'production' } }));
      for (const refused of refusals) {
        expect(refused).toContain('on PostgreSQL in production the key-encryption key must be given');
        for (const name of ['LATCHKEY_KEY_ENCRYPTION_KEY', 'LATCHKEY_KEY_ENCRYPTION_KEY_FILE', 'LATCHKEY_ALLOW_PLAINTEXT_KEYS=true']) expect(refused).toContain(name);
      }
      // Commands that make no key need none.
      expect((await runCliJson(['project', 'list'], { db, cwd, env: noKek })).projects).toEqual([]);

      // Outside production (the CLI contract: "a start without it logs a warning"): serve runs and warns.
      const developing = await serveCli([], { db, cwd, env: { ...noKek, LATCHKEY_LOG_LEVEL: 'info' } });
      try {
        expect((await httpRequest(developing.url, 'GET', '/readyz')).status).toBe(200);
      } finally {
        await developing.stop('SIGTERM');
      }
      expect(developing.stdout()).toContain('signing keys are stored unencrypted: set LATCHKEY_KEY_ENCRYPTION_KEY');

      // Told explicitly: plain PEM, with a warning at every start.
      const plain = { ...noKek, NODE_ENV: 'production', LATCHKEY_ALLOW_PLAINTEXT_KEYS: 'true', LATCHKEY_LOG_LEVEL: 'info' };
      await runCliJson<Created>(createArgs, { db, cwd, env: plain });
      expect((await storedPrivateKeys(db))[0]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const served = await serveCli([], { db, cwd, env: plain });
      await served.stop('SIGTERM');
      expect(served.stdout()).toContain('signing keys are stored unencrypted (LATCHKEY_ALLOW_PLAINTEXT_KEYS=true)');

      // Once a key-encryption key is given, serve seals the plain key in place.
      const sealing = await serveCli([], { db, cwd, env: { LATCHKEY_LOG_LEVEL: 'info' } });
      try {
        // The project's key and the console project's, which the plain-key start created.
        expect(sealing.stdout()).toContain('encrypted 2 signing key(s) that were stored as plain PEM');
        await expectSealed((await storedPrivateKeys(db))[0]!, new Uint8Array(Buffer.from(TEST_POSTGRES_KEK, 'base64')));
        expect((await httpRequest(sealing.url, 'GET', '/readyz')).body).toEqual({ status: 'ready', checks: { store: 'ok', signingKey: 'ok' } });
      } finally {
        await sealing.stop('SIGTERM');
      }
    }, SLOW);

    it('takes the key from LATCHKEY_KEY_ENCRYPTION_KEY_FILE (created 0600 on first use), shared by the CLI and every instance', async () => {
      const db = await freshDb();
      const cwd = tempDir();
      const keyFile = join(cwd, 'latchkey.kek');
      const env = { ...noKek, LATCHKEY_KEY_ENCRYPTION_KEY_FILE: keyFile };
      const created = await runCliJson<Created>(createArgs, { db, cwd, env });
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const [a, b] = await Promise.all([serveCli([], { db, cwd, env }), serveCli([], { db, cwd, env })]);
      try {
        const token = await signedPasskeyData(projectClient(a.url, created.project, created.apiSecret), new SoftAuthenticator(), 'shared@example.com');
        expect((await verify(projectClient(b.url, created.project, created.apiSecret), token)).body.verificationResult).toBe('success');
        for (const key of await storedPrivateKeys(db)) await expectSealed(key, keyOf(keyFile));
      } finally {
        await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
      }
    }, SLOW);
  });
}
