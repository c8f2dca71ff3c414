import pino from 'pino';
import type { Config } from './config/config.js';
import type { Ctx } from './context.js';
import { buildApp } from './http/app.js';
import type { App } from './http/route-deps.js';
import { SigningKeyCache } from './keys/signing-key-cache.js';
import { PolicyCache } from './adoption/policy/policy-cache.js';
import { startHousekeeping } from './housekeeping/start-housekeeping.js';
import { Metrics } from './metrics/metrics.js';
import { migrateToLatest } from './store/migrate.js';
import { openStore, type Store } from './store/store.js';
import { systemClock, type Clock } from './util/clock.js';

export interface RunningServer {
  app: App;
  ctx: Ctx;
  url: string;
  close(): Promise<void>;
}

export function createContext(config: Pick<Config, 'keyEncryptionKey'>, store: Store, clock: Clock = systemClock): Ctx {
  return { store, clock, keyEncryptionKey: config.keyEncryptionKey, signingKeys: new SigningKeyCache(config.keyEncryptionKey), policies: new PolicyCache() };
}

/**
 * Opens the store, applies pending migrations, listens, and prunes expired rows on a schedule.
 * `close()` stops accepting connections, lets requests in flight (and a housekeeping run) finish,
 * then closes the store.
 */
export async function startServer(config: Config, options: { clock?: Clock; logger?: pino.Logger } = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const store = openStore(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    timeout: config.databaseTimeout,
    onBackgroundError: (error) => logger.warn({ err: error }, 'a pooled database connection failed; it is replaced on next use'),
  });
  try {
    const applied = await migrateToLatest(store);
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
    if (config.production && !config.keyEncryptionKey) {
      logger.warn('LATCHKEY_KEY_ENCRYPTION_KEY is not set: signing keys are stored unencrypted. Set it in production (docs/operations.md).');
    }
    const ctx = { ...createContext(config, store, options.clock), log: logger };
    const metrics = new Metrics(store);
    const app = await buildApp({
      ctx,
      metrics,
      logger,
      bodyLimit: config.bodyLimit,
      trustProxy: config.trustProxy,
      frontendRateLimit: config.frontendRateLimit,
      backendRateLimit: config.backendRateLimit,
    });
    const address = await app.listen({ port: config.port, host: config.host });
    const housekeeping = startHousekeeping(ctx, metrics, config.housekeepingInterval, { clientEventRetentionDays: config.clientEventRetentionDays });
    return {
      app,
      ctx,
      url: address.replace('[::1]', 'localhost'),
      close: async () => {
        await app.close();
        await housekeeping.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
