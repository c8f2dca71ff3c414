import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/** What the driver asks of the SQLite connection beyond Kysely's interface (better-sqlite3 has it). */
export interface TransactionState {
  /** Whether a transaction is open on the connection (better-sqlite3's `Database.inTransaction`). */
  readonly inTransaction: boolean;
}

class SqliteImmediateDriver extends SqliteDriver {
  constructor(
    settings: SqliteDialectConfig,
    private readonly state: TransactionState,
  ) {
    super(settings);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * A ROLLBACK only when a transaction is still open. When COMMIT itself fails on a full, read-only
   * or immutable file, SQLite may already have rolled the transaction back; a ROLLBACK then fails
   * with "no transaction is active", and Kysely would throw that error instead of the COMMIT's, so
   * the store fault (503 store_unavailable) would surface as an unexplained 500.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.state.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

/**
 * SQLite with transactions that take the write lock when they begin (`BEGIN IMMEDIATE`).
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
export class SqliteImmediateDialect extends SqliteDialect {
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly state: TransactionState,
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new SqliteImmediateDriver(this.settings, this.state);
  }
}
