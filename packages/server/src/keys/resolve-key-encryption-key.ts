import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, decodeKeyEncryptionKey, type Config } from '../config/config.js';
import type { Store } from '../store/store.js';

export type KeyEncryptionKeyOrigin = 'environment' | 'file' | 'created' | 'none';

export interface ResolvedKeyEncryptionKey {
  /**
   * Undefined when plain-PEM keys were allowed explicitly (LATCHKEY_ALLOW_PLAINTEXT_KEYS), or on
   * PostgreSQL outside production with no key configured (the contract's "a start without it warns").
   */
  key: Uint8Array | undefined;
  origin: KeyEncryptionKeyOrigin;
  /** The key file read or created (origins `file` and `created`). */
  file?: string;
}

/** Where the key file lives when LATCHKEY_KEY_ENCRYPTION_KEY_FILE is not set: beside the SQLite file. */
export function defaultKeyFile(store: Pick<Store, 'file'>): string | undefined {
  return store.file ? `${store.file}.kek` : undefined;
}

/**
 * The key that seals signing keys, for every process that creates or uses them (`serve`,
 * `project create`, `keys rotate`), so that they all agree: LATCHKEY_KEY_ENCRYPTION_KEY if set,
 * else the key file (LATCHKEY_KEY_ENCRYPTION_KEY_FILE, or `<database file>.kek` beside an SQLite
 * store), created with mode 0600 on first use. PostgreSQL has no "beside the database", and
 * instances on several machines must share one key, so there it must be configured: a production
 * start (NODE_ENV=production) without one is refused unless plain PEM is allowed explicitly; any
 * other start goes on with plain keys and a warning, as the CLI contract says (cli.md).
 */
export async function resolveKeyEncryptionKey(
  config: Pick<Config, 'keyEncryptionKey' | 'keyEncryptionKeyFile' | 'allowPlaintextKeys' | 'production'>,
  store: Store,
): Promise<ResolvedKeyEncryptionKey> {
  if (config.keyEncryptionKey) return { key: config.keyEncryptionKey, origin: 'environment' };
  const file = config.keyEncryptionKeyFile ? resolve(config.keyEncryptionKeyFile) : defaultKeyFile(store);
  if (!file) {
    if (config.allowPlaintextKeys || !config.production) return { key: undefined, origin: 'none' };
    throw new ConfigError(
      'signing keys are encrypted at rest, and on PostgreSQL in production the key-encryption key must be given: set ' +
        'LATCHKEY_KEY_ENCRYPTION_KEY (32 bytes, base64) or LATCHKEY_KEY_ENCRYPTION_KEY_FILE (a file holding them; created if missing), ' +
        'the same on every instance and for the CLI; or set LATCHKEY_ALLOW_PLAINTEXT_KEYS=true to store them unencrypted',
    );
  }
  const existing = readKeyFile(file);
  if (existing) return { key: existing, origin: 'file', file };
  // A missing key file is only created for a store that has nothing sealed yet: a new key could not
  // open keys sealed by a lost one, and a silent replacement would turn every login into an error.
  if (await hasSealedKeys(store)) {
    throw new ConfigError(
      `the store's signing keys are encrypted, but the key-encryption key file ${file} does not exist: ` +
        'restore it from where you keep it, or set LATCHKEY_KEY_ENCRYPTION_KEY',
    );
  }
  return { key: createKeyFile(file), origin: 'created', file };
}

function readKeyFile(file: string): Uint8Array | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the key-encryption key file ${file}: ${(error as Error).message}`);
  }
  if (!stat.isFile()) throw new ConfigError(`the key-encryption key file ${file} is not a regular file`);
  // Like ssh with a private key: a key others can read is refused rather than used.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new ConfigError(
      `the key-encryption key file ${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}): run chmod 600 ${file}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the key-encryption key file ${file}: ${(error as Error).message}`);
  }
  return decodeKeyEncryptionKey(text, `the key-encryption key file ${file}`);
}

/**
 * Writes a new key to a temporary file (0600) and links it into place: the link fails if another
 * process (a second instance, the CLI) created the file first, and then its key is used. Readers
 * never see a half-written file.
 */
function createKeyFile(file: string): Uint8Array {
  const key = new Uint8Array(randomBytes(32));
  const temporary = resolve(dirname(file), `.${randomBytes(6).toString('hex')}.kek.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', 0o600);
    writeSync(fd, `${Buffer.from(key).toString('base64')}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    linkSync(temporary, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file)!;
    throw new ConfigError(`cannot create the key-encryption key file ${file}: ${(error as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already gone
    }
  }
}

async function hasSealedKeys(store: Store): Promise<boolean> {
  const row = await store.db.selectFrom('signing_keys').select('id').where('private_key', 'not like', '-----BEGIN%').limit(1).executeTakeFirst();
  return row !== undefined;
}
