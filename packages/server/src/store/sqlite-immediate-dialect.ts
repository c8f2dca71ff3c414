import { SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver, type Kysely, type QueryCompiler } from 'kysely';
import { SqliteGroupCommitDriver, type GroupCommitStats, type SqliteHandle } from './sqlite-group-commit.js';

/**
 * SQLite with transactions that take the write lock when they begin (`BEGIN IMMEDIATE`), and whose
 * commits are grouped (sqlite-group-commit.ts).
 *
 * Kysely's SQLite driver begins DEFERRED transactions, which start as readers and ask for the write
 * lock at their first write. With several processes on one file (`serve --workers N`, or the CLI
 * beside a running server) that upgrade can fail at once with SQLITE_BUSY, busy_timeout or not: a
 * reader whose snapshot another process has since written past can never be made a writer
 * (SQLITE_BUSY_SNAPSHOT), and two readers that both want to write would deadlock. Taking the lock
 * up front turns both into an ordinary wait: busy_timeout queues the transaction behind the
 * writer of the moment, and only a lock held longer than that ends in a 503 (store_timeout).
 * Within one process the driver's connection mutex already runs one transaction at a time.
 */
export class SqliteImmediateDialect implements Dialect {
  /** The one driver of this dialect's Kysely instance: the checkpoint thread asks it for a moment between groups. */
  readonly driver: SqliteGroupCommitDriver;

  constructor(
    database: SqliteHandle,
    /** Milliseconds a write waits for another process's write lock (busy_timeout). */
    lockTimeoutMs: number,
    /** Counted by the driver: what the metrics show. */
    stats: GroupCommitStats,
  ) {
    this.driver = new SqliteGroupCommitDriver(database, lockTimeoutMs, stats);
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
