import { loadConfig, type Config } from '../config/config.js';
import type { Ctx } from '../context.js';
import { createContext } from '../server.js';
import { explainStoreFault } from '../store/explain-store-fault.js';
import { migrateToLatest } from '../store/migrate.js';
import { openStore } from '../store/store.js';

/**
 * Opens the configured store for one CLI command, with migrations applied, so that a command on a
 * fresh machine (`project create` before any `serve`) just works. Closes it afterwards.
 */
export async function withStore<T>(work: (ctx: Ctx, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = openStore(config.databaseUrl, { timeout: config.databaseTimeout });
  try {
    await migrateToLatest(store);
    return await work(createContext(config, store), config);
  } catch (error) {
    throw explainStoreFault(error, store.describe);
  } finally {
    await store.close();
  }
}
