import { loadConfig, type Config } from '../config/config.js';
import type { Ctx } from '../context.js';
import { resolveKeyEncryptionKey } from '../keys/resolve-key-encryption-key.js';
import { createContext } from '../server.js';
import { explainStoreFault } from '../store/explain-store-fault.js';
import { migrateToLatest } from '../store/migrate.js';
import { openStore } from '../store/store.js';

export interface StoreUse {
  /**
   * The command makes signing keys (`project create`, `keys rotate`): it seals them with the same
   * key-encryption key `serve` uses (the variable, or the same key file), creating the file if it
   * is the first to need one.
   */
  signingKeys?: boolean;
}

/**
 * Opens the configured store for one CLI command, with migrations applied, so that a command on a
 * fresh machine (`project create` before any `serve`) just works. Closes it afterwards.
 */
export async function withStore<T>(work: (ctx: Ctx, config: Config) => Promise<T>, use: StoreUse = {}): Promise<T> {
  const config = loadConfig();
  const store = openStore(config.databaseUrl, { timeout: config.databaseTimeout, synchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(store);
    const kek = use.signingKeys ? (await resolveKeyEncryptionKey(config, store)).key : undefined;
    return await work(createContext({ keyEncryptionKey: kek }, store), config);
  } catch (error) {
    throw explainStoreFault(error, store.describe);
  } finally {
    await store.close();
  }
}
