import type pino from 'pino';
import { serverLogger } from './logging/log-destination.js';
import { publicUrlOf, type Config } from './config/config.js';
import { ensureConsoleProject } from './console/console-project.js';
import type { Ctx } from './context.js';
import { buildApp } from './http/app.js';
import { explainListenError } from './http/explain-listen-error.js';
import type { App } from './http/route-deps.js';
import { resolveKeyEncryptionKey, type ResolvedKeyEncryptionKey } from './keys/resolve-key-encryption-key.js';
import { sealPlainSigningKeys } from './keys/seal-plain-signing-keys.js';
import { readMdsBlobInfo, staleWarning } from './attestation/mds-blob-info.js';
import { startHousekeeping } from './housekeeping/start-housekeeping.js';
import { startOpsSampler } from './ops/start-ops-sampler.js';
import { Metrics } from './metrics/metrics.js';
import { refuseUnlessReady } from './health/refuse-unless-ready.js';
import { explainStoreFault } from './store/explain-store-fault.js';
import { migrateToLatest } from './store/migrate.js';
import { openStore, type Store } from './store/store.js';
import type { Clock } from './util/clock.js';
import { createContext } from './create-context.js';

export { createContext } from './create-context.js';

export interface RunningServer {
  app: App;
  ctx: Ctx;
  url: string;
  close(): Promise<void>;
}

/**
 * The context services receive. A serving process passes `events` to get the write-behind queue for
 * refusal events (events/event-queue.ts); without it (the CLI) every event is written at once.
 */

/** One start-up line says how durable the store is and how signing keys are protected. */
function logStoreSettings(logger: pino.Logger, config: Pick<Config, 'allowPlaintextKeys'>, store: Store, kek: ResolvedKeyEncryptionKey, sealed: number): void {
  logger.info(
    { store: store.describe, ...(store.synchronous ? { sqliteSynchronous: store.synchronous } : {}), keyEncryptionKey: kek.origin, ...(kek.file ? { keyFile: kek.file } : {}) },
    kek.origin === 'created' ? `created the key-encryption key file ${kek.file} (mode 0600): keep it, and keep it out of database backups` : 'store opened',
  );
  if (sealed > 0) logger.info({ sealed }, `encrypted ${sealed} signing key(s) that were stored as plain PEM`);
  if (!kek.key) {
    logger.warn(
      config.allowPlaintextKeys
        ? 'signing keys are stored unencrypted (LATCHKEY_ALLOW_PLAINTEXT_KEYS=true); see docs/operations.md'
        : 'signing keys are stored unencrypted: set LATCHKEY_KEY_ENCRYPTION_KEY or LATCHKEY_KEY_ENCRYPTION_KEY_FILE (the same on every instance); a production start (NODE_ENV=production) refuses to run without one',
    );
  }
}

/**
 * What runs once per start, whatever the number of processes: pending migrations, the
 * key-encryption key (created beside a new SQLite file), sealing plain signing keys, and the
 * readiness check that refuses to serve when a login could not work. The cluster's primary runs
 * it before forking, so that workers never race on any of it.
 */
export async function prepareStore(config: Config, store: Store, logger: pino.Logger, clock?: Clock): Promise<Ctx> {
  const applied = await migrateToLatest(store);
  if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
  const kek = await resolveKeyEncryptionKey(config, store);
  const ctx = { ...createContext({ keyEncryptionKey: kek.key }, store, clock), log: logger };
  const sealed = await sealPlainSigningKeys(ctx);
  // Serving while a login cannot work would only turn every login into an error: refuse instead,
  // before any other start-up line (a refusal is one line on stderr, nothing on stdout).
  await refuseUnlessReady(ctx);
  logStoreSettings(logger, config, store, kek, sealed);
  // A stale MDS BLOB is still enforced (no data would be worse), but the operator must hear of it.
  const mds = await readMdsBlobInfo(ctx);
  if (mds?.stale) logger.warn({ mdsNo: mds.no, mdsNextUpdate: mds.nextUpdate }, staleWarning(mds));
  return ctx;
}

export interface StartOptions {
  clock?: Clock;
  logger?: pino.Logger;
  /**
   * Set in a cluster worker: the primary has already prepared the store (prepareStore) and hands
   * over the key-encryption key it resolved.
   */
  prepared?: { keyEncryptionKey: Uint8Array | undefined };
  /** Whether this process runs housekeeping (default true); in a cluster only one worker does. */
  housekeeping?: boolean;
  /** Called with the metrics before the app is built (a cluster worker answers /metrics for all workers). */
  adaptMetrics?: (metrics: Metrics) => void;
}

/**
 * Opens the store, applies pending migrations, listens, and prunes expired rows on a schedule.
 * `close()` stops accepting connections, lets requests in flight (and a housekeeping run) finish,
 * then closes the store.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? serverLogger(config.logLevel);
  const store = openStore(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    timeout: config.databaseTimeout,
    synchronous: config.sqliteSynchronous,
    onBackgroundError: (error) => logger.warn({ err: error }, 'a pooled database connection failed; it is replaced on next use'),
    // SQLite: checkpoints off the event loop. Their failure (a full disk) is an operator's concern, not a request's.
    checkpointInThread: { onError: (error) => logger.error({ err: error }, 'SQLite WAL checkpoint problem') },
  });
  try {
    const keyEncryptionKey = options.prepared
      ? options.prepared.keyEncryptionKey
      : (await prepareStore(config, store, logger, options.clock)).keyEncryptionKey;
    const ctx = { ...createContext({ keyEncryptionKey }, store, options.clock, { events: { flushMs: config.eventFlushMs, log: logger } }), log: logger };
    const metrics = new Metrics(store);
    options.adaptMetrics?.(metrics);
    const app = await buildApp({
      ctx,
      metrics,
      logger,
      bodyLimit: config.bodyLimit,
      timeouts: { headers: config.headersTimeout, request: config.requestTimeout, keepAlive: config.keepAliveTimeout },
      trustProxy: config.trustProxy,
      frontendRateLimit: config.frontendRateLimit,
      backendRateLimit: config.backendRateLimit,
      opsSampleInterval: config.metricsSampleInterval,
    });
    const address = await app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
      throw explainListenError(error, config.host, config.port);
    });
    const interval = options.housekeeping === false ? 0 : config.housekeepingInterval;
    // The console's own project (docs/console.md), on the port actually bound when LATCHKEY_PORT=0.
    await ensureConsoleProject(ctx, publicUrlOf(config, Number(new URL(address).port)));
    const housekeeping = startHousekeeping(ctx, metrics, interval, { clientEventRetentionDays: config.clientEventRetentionDays });
    // Every instance (every cluster worker) heartbeats and samples its latency, housekeeping or not.
    const ops = startOpsSampler(ctx, metrics.latency, config.metricsSampleInterval);
    return {
      app,
      ctx,
      url: address.replace('[::1]', 'localhost'),
      close: async () => {
        await app.close();
        await housekeeping.stop();
        await ops.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw explainStoreFault(error, store.describe);
  }
}
