import { loadConfig, type Config } from '../config/config.js';
import type { Ctx } from '../context.js';
import { explainStoreFault } from '../store/explain-store-fault.js';

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
  // Loaded when a command runs, not when the CLI starts: `--help`, `--version` and usage errors
  // answer without loading Kysely and the database drivers.
  const [{ openStore }, { migrateToLatest }, { resolveKeyEncryptionKey }, { createContext }] = await Promise.all([
    import('../store/store.js'),
    import('../store/migrate.js'),
    import('../keys/resolve-key-encryption-key.js'),
    import('../create-context.js'),
  ]);
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
