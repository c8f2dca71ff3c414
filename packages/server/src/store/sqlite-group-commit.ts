import { CompiledQuery, SelectQueryNode, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';

/** The better-sqlite3 statement surface the driver uses. */
export interface SqliteStatementHandle {
  readonly reader: boolean;
  /** False when running the statement may change the database (an INSERT, UPDATE, DELETE, DDL…). */
  readonly readonly: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

/** The better-sqlite3 database surface the driver uses (statements come from a cache: statement-cache.ts). */
export interface SqliteHandle {
  prepare(sql: string): SqliteStatementHandle;
  /** Whether SQLite has a transaction open on the connection (better-sqlite3's `Database.inTransaction`). */
  readonly inTransaction: boolean;
  close(): void;
}

/** How long groups stay short after another process last held the write lock when this one wanted it. */
const CONTENTION_MEMORY_MS = 1000;

/** Group commits that succeeded, and the members (transactions and single writes) they carried. */
export interface GroupCommitStats {
  commits: number;
  members: number;
}

/**
 * Kysely's SQLite driver, with group commit: the writes of concurrent requests share one COMMIT.
 *
 * Why: on SQLite the COMMIT is most of a write's cost (in WAL mode it appends every page the
 * transaction touched to the WAL, a system call per page, and now and then a checkpoint), and a
 * login commits four times. Under load many requests commit in the same turn of the event loop.
 *
 * How: the first write opens one SQLite transaction (BEGIN IMMEDIATE, which takes the write lock
 * up front: see sqlite-immediate-dialect.ts) and a group. Each Kysely transaction runs inside it
 * under a SAVEPOINT (its rollback undoes its own writes only) and, at its commit, RELEASEs the
 * savepoint, hands the connection to the next caller, and waits; a write outside a transaction
 * (an autocommit UPDATE) joins the same way. After the current turn of the event loop
 * (setImmediate) the group commits once and every member's commit returns, or fails with the
 * COMMIT's error. So nobody is answered before their writes are committed, and a crash loses
 * only writes nobody was told about.
 *
 * What changes for readers in this process: a read may see the writes of a member whose commit is
 * still waiting for the group's (they are already final for every rule the store enforces; only a
 * failing disk can still undo them, and then every member is told). Other processes see the group
 * when it commits, as one transaction.
 *
 * One connection, one caller at a time: the mutex is Kysely's (one connection for SQLite), held
 * from acquireConnection to releaseConnection, or to the commit of a member, which releases it early.
 */
export class SqliteGroupCommitDriver implements Driver {
  readonly #db: SqliteHandle;
  readonly #mutex = new Mutex();
  #group: Group | undefined;
  /** The last error a statement raised: when SQLite rolls the whole transaction back after it, the group fails with it. */
  #lastError: unknown;

  /** How long a write waits for another process's write lock (LATCHKEY_DATABASE_TIMEOUT) before it fails with SQLITE_BUSY. */
  readonly #lockTimeoutMs: number;

  readonly #stats: GroupCommitStats;
  /** Until when (ms) groups are kept short because another process was holding the write lock. */
  #contendedUntil = 0;

  constructor(db: SqliteHandle, lockTimeoutMs: number, stats: GroupCommitStats) {
    this.#db = db;
    this.#lockTimeoutMs = lockTimeoutMs;
    this.#stats = stats;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return new Lease(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    await this.#openGroup();
    this.#control('savepoint lk_member');
    lease.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.#control('release lk_member');
    lease.inTransaction = false;
    await this.#join(lease);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // A member whose group failed at COMMIT was rolled back with the group.
    if (lease.handedOver || !lease.inTransaction) return;
    lease.inTransaction = false;
    if (!this.#db.inTransaction) {
      // SQLite rolled the whole transaction back (a full or failing disk): every member's writes are gone.
      this.#loseGroup();
      return;
    }
    this.#control('rollback to lk_member');
    this.#control('release lk_member');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (!(connection as Lease).handedOver) this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    // Commit what is waiting, so that closing never drops a member's writes.
    if (this.#group) await this.#flush(this.#group);
    this.#db.close();
  }

  /** Runs one statement for a lease (see Lease.executeQuery). */
  async execute(lease: Lease, compiled: CompiledQuery): Promise<QueryResult<unknown>> {
    await this.#reacquire(lease);
    const statement = this.#db.prepare(compiled.sql);
    if (lease.inTransaction || statement.readonly) return this.#run(statement, compiled.parameters);
    // A write outside a transaction: a member of its own (SQLite's statement atomicity stands for the savepoint).
    await this.#openGroup();
    const result = this.#run(statement, compiled.parameters);
    await this.#join(lease);
    return result;
  }

  /**
   * A read at once, when the connection is free: the statement runs here, synchronously, without a
   * lease (Kysely's connection provider, the mutex, a promise per step). Undefined when it cannot:
   * a caller holds the connection (a transaction between two of its statements, whose writes it
   * must not see before they are released), or the statement may write. What it sees is what a
   * read through Kysely would see at this moment.
   */
  readNow(compiled: CompiledQuery): QueryResult<unknown> | undefined {
    if (this.#mutex.held) return undefined;
    const statement = this.#db.prepare(compiled.sql);
    if (!statement.readonly) return undefined;
    return this.#run(statement, compiled.parameters);
  }

  /** Whether running `sql` cannot change the database (SQLite decides: a SELECT, a read-only WITH). */
  readonly(sql: string): boolean {
    return this.#db.prepare(sql).readonly;
  }

  /**
   * `work`'s statements as one member of the group commit, run synchronously under one SAVEPOINT:
   * the same guarantees as a Kysely transaction through this driver (all of its writes or none;
   * answered only after the group's COMMIT), without Kysely's machinery around each statement. If
   * `work` throws, its writes are rolled back and the error is the caller's. For a hot step's few
   * compiled statements (prepare-query.ts, write-together.ts, the spend of a token).
   */
  async member<T>(work: (run: (compiled: CompiledQuery) => QueryResult<unknown>) => T): Promise<T> {
    return this.#asMember(() => {
      this.#control('savepoint lk_member');
      let result: T;
      try {
        result = work((compiled) => this.#run(this.#db.prepare(compiled.sql), compiled.parameters));
      } catch (error) {
        if (this.#db.inTransaction) {
          this.#control('rollback to lk_member');
          this.#control('release lk_member');
        } else {
          this.#loseGroup(); // SQLite rolled the whole transaction back (a full or failing disk)
        }
        throw error;
      }
      this.#control('release lk_member');
      return result;
    });
  }

  /**
   * One write as a member of its own, like a write outside a transaction through Kysely (SQLite's
   * statement atomicity stands for the savepoint), without Kysely's machinery: answered after the
   * group's COMMIT.
   */
  writeOne(compiled: CompiledQuery): Promise<QueryResult<unknown>> {
    return this.#asMember(() => this.#run(this.#db.prepare(compiled.sql), compiled.parameters));
  }

  /** Runs `writes` synchronously with the connection held and a group open, then joins the group and waits for its COMMIT. */
  async #asMember<T>(writes: () => T): Promise<T> {
    await this.#mutex.lock();
    let handedOver = false;
    try {
      await this.#openGroup();
      const result = writes();
      handedOver = true;
      await this.#join();
      return result;
    } finally {
      if (!handedOver) this.#mutex.unlock();
    }
  }

  /** The rows of a SELECT one at a time (the lease holds the connection until the stream ends, as in Kysely's driver). */
  async *stream(lease: Lease, compiled: CompiledQuery): AsyncIterableIterator<QueryResult<unknown>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('the SQLite driver streams SELECT queries only');
    await this.#reacquire(lease);
    for (const row of this.#db.prepare(compiled.sql).iterate(compiled.parameters)) yield { rows: [row] };
  }

  /** A lease that handed the connection on at a write and runs another statement (Kysely's `db.connection()`) takes it back first. */
  async #reacquire(lease: Lease): Promise<void> {
    if (!lease.handedOver) return;
    await this.#mutex.lock();
    lease.handedOver = false;
  }

  #run(statement: SqliteStatementHandle, parameters: readonly unknown[]): QueryResult<unknown> {
    try {
      if (statement.reader) return { rows: statement.all(parameters) };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    } catch (error) {
      this.#lastError = error;
      if (this.#group && !this.#db.inTransaction) this.#loseGroup();
      throw error;
    }
  }

  #control(sql: string): void {
    this.#run(this.#db.prepare(sql), []);
  }

  async #openGroup(): Promise<void> {
    if (this.#group) return;
    await this.#beginImmediate();
    const group = new Group();
    this.#group = group;
    // A group holds the file's write lock until it commits. Alone on the file, it gathers a whole
    // turn of the event loop. While another process wants the lock too (it was busy lately), it
    // commits as soon as the writes that are ready now are done (nextTick runs once the current
    // microtasks have drained), so that the lock passes quickly between processes.
    if (Date.now() < this.#contendedUntil) process.nextTick(() => void this.#flush(group));
    else setImmediate(() => void this.#flush(group));
  }

  /**
   * BEGIN IMMEDIATE, waiting for another process's write lock (`serve --workers`, the CLI) on
   * timers rather than in SQLite's busy handler, which sleeps the whole thread (1, 2, 5, 10… ms):
   * while this process waits for the lock it keeps parsing requests and checking signatures. Only
   * the lock's own wait changes; every other statement keeps the configured busy timeout.
   */
  async #beginImmediate(): Promise<void> {
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      this.#control('pragma busy_timeout = 0');
      try {
        this.#control('begin immediate');
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
        this.#contendedUntil = Date.now() + CONTENTION_MEMORY_MS;
      } finally {
        this.#control(`pragma busy_timeout = ${Math.floor(this.#lockTimeoutMs)}`);
      }
      // The next turn of the event loop at first, then timers of 1–4 ms: a waiting process idles rather than spins.
      await new Promise<void>((resolve) => (attempt < 2 ? setImmediate(resolve) : setTimeout(resolve, Math.min(attempt - 1, 4))));
    }
  }

  /** The lease's writes are in the group: hand the connection on, and wait for the group's COMMIT. */
  async #join(lease?: Lease): Promise<void> {
    const group = this.#group!;
    const committed = group.add();
    if (lease) lease.handedOver = true;
    this.#mutex.unlock();
    await committed;
  }

  /**
   * Runs `work` while this process holds no write lock and runs no statement: after the open
   * group (if any) has committed, before anyone takes the connection again (they wait for the
   * mutex, on the event loop). The checkpoint thread's WAL restart needs SQLite's write lock,
   * which back-to-back groups would otherwise leave free for microseconds only.
   */
  async betweenGroups<T>(work: () => Promise<T>): Promise<T> {
    await this.#mutex.lock();
    try {
      if (this.#group) this.#commit(this.#group);
      return await work();
    } finally {
      this.#mutex.unlock();
    }
  }

  async #flush(group: Group): Promise<void> {
    // Between members: a member's transaction never sees a COMMIT in its middle.
    await this.#mutex.lock();
    try {
      if (this.#group === group) this.#commit(group); // else lost, or committed already
    } finally {
      this.#mutex.unlock();
    }
  }

  /** COMMITs the open group (the mutex is held) and tells every member how it went. */
  #commit(group: Group): void {
    try {
      this.#group = undefined;
      if (!this.#db.inTransaction) return group.fail(this.#lastError ?? new Error('the SQLite transaction of a group commit ended early'));
      try {
        this.#control('commit');
      } catch (error) {
        if (this.#db.inTransaction) this.#control('rollback');
        return group.fail(error);
      }
      this.#stats.commits++;
      this.#stats.members += group.size;
      group.succeed();
    } catch (error) {
      group.fail(error);
    }
  }

  #loseGroup(): void {
    const group = this.#group;
    if (!group) return;
    this.#group = undefined;
    group.fail(this.#lastError ?? new Error('SQLite rolled back the transaction of a group commit'));
  }
}

/** One caller's use of the connection, from acquire to release (or to its commit's hand-over). */
class Lease implements DatabaseConnection {
  inTransaction = false;
  /** The mutex was passed on at this lease's commit; releaseConnection must not unlock it again. */
  handedOver = false;

  constructor(private readonly driver: SqliteGroupCommitDriver) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, compiled) as Promise<QueryResult<R>>;
  }

  streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream(this, compiled) as AsyncIterableIterator<QueryResult<R>>;
  }
}

/** The members of one group commit, each waiting for its COMMIT. */
class Group {
  readonly #waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  get size(): number {
    return this.#waiting.length;
  }

  add(): Promise<void> {
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  succeed(): void {
    for (const member of this.#waiting.splice(0)) member.resolve();
  }

  fail(error: unknown): void {
    for (const member of this.#waiting.splice(0)) member.reject(error);
  }
}

/** Kysely's SQLite connection mutex: one holder at a time, waiters served in the order they came. */
class Mutex {
  #held = false;
  readonly #queue: Array<() => void> = [];

  get held(): boolean {
    return this.#held;
  }

  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  unlock(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#held = false;
  }
}
