import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { discardBrokenConnections } from './discard-broken-connections.js';
import type { SqliteSynchronous } from '../config/config.js';
import { explainStoreFault } from './explain-store-fault.js';
import { checkpointInThread, type CheckpointStats, type CheckpointThreadOptions } from './sqlite-checkpoint-thread.js';
import type { GroupCommitStats, SqliteGroupCommitDriver } from './sqlite-group-commit.js';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';
import { sqlitePath } from './sqlite-path.js';
import { cacheStatements } from './statement-cache.js';
import type { Database } from './schema.js';
import { StoreUrlError } from './store-errors.js';

export { StoreUrlError } from './store-errors.js';

export type Dialect = 'sqlite' | 'postgres';

/** The one handle every service receives: a Kysely instance and the dialect it speaks. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Human-readable location without credentials, for logs. */
  describe: string;
  /** SQLite only: the database file's absolute path (the key-encryption key file goes beside it). */
  file?: string;
  /** SQLite only: the `synchronous` pragma in force, shown in the start-up log and in /readyz. */
  synchronous?: SqliteSynchronous;
  /** PostgreSQL only: the connection pool's counts, for metrics. */
  pool?: () => { total: number; idle: number; waiting: number };
  /** SQLite only: the group commits so far (sqlite-group-commit.ts), and the transactions and writes they carried. */
  commitGroups?: () => GroupCommitStats;
  /**
   * SQLite only: its driver's direct paths for hot statements already compiled (a read at once
   * when the connection is free; a few writes as one member of the group commit), which skip
   * Kysely's per-statement machinery. Used by prepare-query.ts, write-together.ts, the spend of a
   * token and a login's success; everything else goes through `db`.
   */
  sqlite?: Pick<SqliteGroupCommitDriver, 'readNow' | 'readonly' | 'member' | 'writeOne'>;
  /** SQLite with `checkpointInThread` only: the checkpoints its thread ran (sqlite-checkpoint-thread.ts). */
  checkpoints?: () => CheckpointStats;
  close(): Promise<void>;
}


export interface StoreOptions {
  /** Most PostgreSQL connections this process opens (default 10). */
  poolSize?: number;
  /**
   * Milliseconds a connection attempt, or a statement, may take (default 5000). Past it the query
   * fails and the request is answered 503: a slow or absent database must not pile requests up.
   */
  timeout?: number;
  /**
   * Errors of idle pooled connections (the server restarted, a connection was terminated). The
   * broken connection is discarded and the next query opens a new one; this only reports it.
   */
  onBackgroundError?: (error: Error) => void;
  /**
   * SQLite's `synchronous` (default `normal`). In WAL mode `normal` loses no commit when the
   * process dies, but the last commits before a power loss or an OS crash may roll back; `full`
   * syncs the WAL on every commit, so a commit that was answered survives power loss too.
   */
  synchronous?: SqliteSynchronous;
  /**
   * SQLite only: run WAL checkpoints on a thread of their own instead of inside the COMMIT that
   * crosses SQLite's threshold, where their `fsync`s stop the event loop (sqlite-checkpoint-thread.ts).
   * The server asks for it; a CLI command, which commits a few times and exits, does not.
   */
  checkpointInThread?: CheckpointThreadOptions;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function openStore(url: string, options: StoreOptions = {}): Store {
  if (url.startsWith('file:')) {
    const absolute = sqlitePath(url.slice('file:'.length));
    try {
      return openSqlite(absolute, options.timeout ?? DEFAULT_TIMEOUT_MS, options.synchronous ?? 'normal', options.checkpointInThread);
    } catch (error) {
      // A file that is not a database, or that cannot be opened: one line for the operator.
      throw explainStoreFault(error, `sqlite ${absolute}`);
    }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  throw new StoreUrlError(
    `LATCHKEY_DATABASE_URL must start with "file:" (embedded SQLite) or "postgres://" (PostgreSQL); got "${url.split(':')[0]}:…"`,
  );
}

function openSqlite(absolute: string, timeout: number, synchronous: SqliteSynchronous, checkpoints: CheckpointThreadOptions | undefined): Store {
  const sqlite = new SQLite(absolute);
  // WAL lets readers run beside the writer; NORMAL is durable across process crashes in WAL mode,
  // FULL across power loss too (see StoreOptions.synchronous and docs/operations.md).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  // Another process (the CLI beside a running server) may hold the write lock for a moment.
  sqlite.pragma(`busy_timeout = ${Math.floor(timeout)}`);
  const stats: GroupCommitStats = { commits: 0, members: 0 };
  const dialect = new SqliteImmediateDialect(cacheStatements(sqlite), timeout, stats);
  const db = new Kysely<Database>({ dialect });
  const thread = checkpoints ? checkpointInThread(sqlite, absolute, { betweenWrites: (work) => dialect.driver.betweenGroups(work), ...checkpoints }) : undefined;
  return {
    db,
    dialect: 'sqlite',
    describe: `sqlite ${absolute}`,
    file: absolute,
    synchronous,
    commitGroups: () => stats,
    sqlite: dialect.driver,
    ...(thread ? { checkpoints: () => thread.stats } : {}),
    close: async () => {
      // The thread's connection first: the last connection to close checkpoints the whole WAL and removes it.
      await thread?.stop();
      await db.destroy();
    },
  };
}

function openPostgres(url: string, options: StoreOptions): Store {
  // int8 (bigint) columns hold Unix seconds and counters, well inside Number's exact range.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Waiting for a connection (a new one, or a free one from a busy pool) is bounded too.
    connectionTimeoutMillis: timeout,
    // The server cancels a statement that runs too long; the client gives up a little later when
    // the server itself does not answer (a dead network path never sends the cancellation).
    statement_timeout: timeout,
    query_timeout: timeout + 1000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  // A connection the server drops emits 'error' on its client. pg-pool listens only while the
  // client is idle; a client checked out for a query has no listener, and an unheard 'error' event
  // would crash the process. So every client gets a listener of its own for its whole life (the
  // query it was running fails on its own and answers 503; the pool then discards the client).
  pool.on('connect', (client) => client.on('error', (error) => options.onBackgroundError?.(error)));
  // The pool re-emits an idle client's error here; the listener above has already reported it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: discardBrokenConnections(pool) }) });
  const parsed = new URL(url);
  return {
    db,
    dialect: 'postgres',
    describe: `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}
