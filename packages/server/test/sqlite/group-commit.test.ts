import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';
import { SqliteImmediateDialect } from '../../src/store/sqlite-immediate-dialect.js';
import { cacheStatements } from '../../src/store/statement-cache.js';
import { openStore, type Store } from '../../src/store/store.js';
import { freshDatabase, type TestDatabase } from '../helpers/test-store.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * Group commit (src/store/sqlite-group-commit.ts): the writes of concurrent requests share one
 * COMMIT, and nobody hears "done" before the COMMIT that holds their writes. `other` is a second
 * connection to the same file, as another process would have: it sees only what was committed.
 */

let database: TestDatabase | undefined;
let store: Store | undefined;
let other: SQLite.Database | undefined;

afterEach(async () => {
  other?.close();
  await store?.close();
  await database?.drop();
  database = store = other = undefined;
});

async function setUp(): Promise<Store> {
  database = await freshDatabase();
  store = openStore(database.url);
  await sql`create table t (id integer primary key, v text not null unique)`.execute(store.db);
  other = new SQLite(store.file!);
  other.pragma('busy_timeout = 0');
  return store;
}
const committedRows = () => (other!.prepare('select v from t order by v').all() as Array<{ v: string }>).map((row) => row.v);
const insertIn = (s: Store, v: string) => s.db.transaction().execute((trx) => trx.insertInto('t' as never).values({ v } as never).execute());

it('concurrent transactions commit together, and each returns only once its rows are committed', async () => {
  const s = await setUp();
  const seenAtReturn: string[][] = [];
  const values = Array.from({ length: 10 }, (_, i) => `v${i}`);
  await Promise.all(values.map((v) => insertIn(s, v).then(() => seenAtReturn.push(committedRows()))));
  // Every transaction's return found all ten committed: one COMMIT carried them all.
  for (const seen of seenAtReturn) expect(seen).toEqual(values);
});

it('counts the commits and the transactions they carried (the metrics an operator reads)', async () => {
  const s = await setUp();
  const before = { ...s.commitGroups!() };
  await Promise.all(Array.from({ length: 10 }, (_, i) => insertIn(s, `m${i}`)));
  const after = s.commitGroups!();
  expect(after.members - before.members).toBe(10);
  expect(after.commits - before.commits).toBe(1);
  const text = await new Metrics(s).registry.metrics();
  expect(text).toMatch(new RegExp(`^latchkey_store_group_commits_total ${after.commits}$`, 'm'));
  expect(text).toMatch(new RegExp(`^latchkey_store_group_commit_members_total ${after.members}$`, 'm'));
});

it('a write outside a transaction is committed before it returns', async () => {
  const s = await setUp();
  await s.db.insertInto('t' as never).values({ v: 'alone' } as never).execute();
  expect(committedRows()).toEqual(['alone']);
});

it('a transaction that fails undoes only its own writes; the others in the group commit', async () => {
  const s = await setUp();
  const failing = s.db.transaction().execute(async (trx) => {
    await trx.insertInto('t' as never).values({ v: 'undone' } as never).execute();
    throw new Error('the work failed');
  });
  const results = await Promise.allSettled([insertIn(s, 'a'), failing, insertIn(s, 'b')]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(committedRows()).toEqual(['a', 'b']);
});

it('single use holds inside a group: of concurrent inserts of one unique value exactly one succeeds', async () => {
  const s = await setUp();
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => insertIn(s, 'once')));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect(results.filter((r) => r.status === 'rejected').every((r) => /UNIQUE/.test(String((r as PromiseRejectedResult).reason)))).toBe(true);
  expect(committedRows()).toEqual(['once']);
});

it('another process sees a group only when it commits, and cannot write in its middle', async () => {
  const s = await setUp();
  const first = insertIn(s, 'first');
  const second = s.db.transaction().execute(async (trx) => {
    // `first` has committed into the group, which has not committed yet: the other process sees
    // none of it, and may not write now (the group holds the write lock from its BEGIN IMMEDIATE).
    expect(committedRows()).toEqual([]);
    expect(() => other!.prepare("insert into t (v) values ('between')").run()).toThrow(/database is locked/);
    await trx.insertInto('t' as never).values({ v: 'second' } as never).execute();
  });
  await Promise.all([first, second]);
  expect(committedRows()).toEqual(['first', 'second']);
});

it('streams a SELECT row by row, and closing the store commits a waiting group first', async () => {
  const s = await setUp();
  await Promise.all(['x', 'y', 'z'].map((v) => insertIn(s, v)));
  const streamed: string[] = [];
  for await (const row of s.db.selectFrom('t' as never).select('v' as never).orderBy('v' as never).stream()) streamed.push((row as { v: string }).v);
  expect(streamed).toEqual(['x', 'y', 'z']);
  // The store closes while a group waits for its COMMIT: the group commits before the file closes.
  const late = insertIn(s, 'late');
  let closing: Promise<void> | undefined;
  const later = s.db.transaction().execute(async (trx) => {
    closing = s.close();
    await trx.insertInto('t' as never).values({ v: 'later' } as never).execute();
  });
  await Promise.all([late, later]);
  await closing;
  expect(committedRows()).toEqual(['late', 'later', 'x', 'y', 'z']);
  store = undefined;
});

it('waits for another process’s write lock on timers: this process keeps running, and the write lands after it', async () => {
  const s = await setUp();
  other!.prepare('begin immediate').run();
  other!.prepare("insert into t (v) values ('theirs')").run();
  let ticks = 0;
  const ticking = setInterval(() => ticks++, 5);
  // The other process commits in 300 ms: a timer of this process, which must get to run meanwhile
  // (SQLite's own busy wait would hold the thread until busy_timeout and then fail with SQLITE_BUSY).
  setTimeout(() => other!.prepare('commit').run(), 300);
  try {
    await insertIn(s, 'ours');
  } finally {
    clearInterval(ticking);
  }
  expect(ticks).toBeGreaterThanOrEqual(10);
  expect(committedRows()).toEqual(['ours', 'theirs']);
  // Right after such a wait groups are kept short (the lock passes quickly between processes): the
  // writes of the moment still commit together, and each returns only once committed.
  const before = s.commitGroups!().commits;
  const values = Array.from({ length: 5 }, (_, i) => `short${i}`);
  await Promise.all(values.map((v) => insertIn(s, v).then(() => expect(committedRows()).toContain(v))));
  expect(committedRows()).toEqual([...values, 'ours', 'theirs'].sort());
  expect(s.commitGroups!().commits - before).toBeGreaterThanOrEqual(1);
});

it('gives up after the busy timeout with SQLITE_BUSY when the other process keeps its lock', async () => {
  database = await freshDatabase();
  store = openStore(database.url, { timeout: 200 });
  await sql`create table t (id integer primary key, v text not null unique)`.execute(store.db);
  other = new SQLite(store.file!);
  other.prepare('begin immediate').run();
  await expect(insertIn(store, 'never')).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
  other.prepare('rollback').run();
  // The store still works once the lock is free.
  await insertIn(store, 'later');
  expect(committedRows()).toEqual(['later']);
});

it('betweenGroups: the open group commits first, another connection can take the write lock, and this process’s writes wait until the work is done', async () => {
  database = await freshDatabase();
  const sqlite = new SQLite(database.url.slice('file:'.length));
  sqlite.pragma('journal_mode = WAL');
  const dialect = new SqliteImmediateDialect(cacheStatements(sqlite), 5000, { commits: 0, members: 0 });
  const db = new Kysely<any>({ dialect });
  try {
    await sql`create table t (id integer primary key, v text not null unique)`.execute(db);
    other = new SQLite(sqlite.name);
    other.pragma('busy_timeout = 0');
    const insert = (v: string) => db.insertInto('t').values({ v }).execute();
    const order: string[] = [];
    // A write whose group is open (it commits at the next turn of the event loop)…
    const first = insert('first').then(() => order.push('first committed'));
    const seenInWork = dialect.driver.betweenGroups(async () => {
      // …is committed before the work runs, and nothing of this process holds the write lock.
      const committed = (other!.prepare('select v from t').all() as Array<{ v: string }>).map((row) => row.v);
      other!.exec('begin immediate');
      other!.exec('rollback');
      // A write that arrives meanwhile waits for the work.
      void insert('second').then(() => order.push('second committed'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('work done');
      return committed;
    });
    expect(await seenInWork).toEqual(['first']);
    await first;
    await waitUntil('the waiting write committed', async () => (order.includes('second committed') ? true : undefined));
    expect(order).toEqual(['first committed', 'work done', 'second committed']);
  } finally {
    await db.destroy();
  }
});

// The driver's direct paths (store.sqlite: prepare-query.ts, write-together.ts and the spend of a
// token use them): the same promises as a Kysely transaction, without its machinery.
const insertSql = (v: string) => ({ sql: 'insert into t (v) values (?)', parameters: [v] }) as never;

it('a direct member shares the group commit and returns only once its rows are committed', async () => {
  const s = await setUp();
  const before = { ...s.commitGroups!() };
  const seenAtReturn: string[][] = [];
  await Promise.all([
    s.sqlite!.member((run) => run(insertSql('d1'))).then(() => seenAtReturn.push(committedRows())),
    insertIn(s, 'k1').then(() => seenAtReturn.push(committedRows())),
    s.sqlite!.member((run) => [run(insertSql('d2')), run(insertSql('d3'))]).then(() => seenAtReturn.push(committedRows())),
  ]);
  for (const seen of seenAtReturn) expect(seen).toEqual(['d1', 'd2', 'd3', 'k1']);
  expect(s.commitGroups!().commits - before.commits).toBe(1);
  expect(s.commitGroups!().members - before.members).toBe(3);
});

it('a direct member whose work throws undoes all its writes, reports its error, and leaves the group to commit', async () => {
  const s = await setUp();
  const failing = s.sqlite!.member((run) => {
    run(insertSql('undone-1'));
    run(insertSql('undone-2'));
    throw new Error('the check failed');
  });
  // A unique violation inside the work: SQLite keeps the transaction, the member's savepoint is undone.
  const duplicate = s.sqlite!.member((run) => {
    run(insertSql('dup'));
    run(insertSql('dup'));
  });
  const results = await Promise.allSettled([insertIn(s, 'a'), failing, duplicate, insertIn(s, 'b')]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
  expect(String((results[1] as PromiseRejectedResult).reason)).toContain('the check failed');
  expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
  expect(committedRows()).toEqual(['a', 'b']);
});

it('a direct read never sees the writes of a transaction still between its statements', async () => {
  const s = await setUp();
  const select = { sql: 'select v from t order by v', parameters: [] } as never;
  let release!: () => void;
  const paused = new Promise<void>((resolve) => (release = resolve));
  let inside!: () => void;
  const entered = new Promise<void>((resolve) => (inside = resolve));
  const open = s.db.transaction().execute(async (trx) => {
    await trx.insertInto('t' as never).values({ v: 'pending' } as never).execute();
    inside();
    await paused;
  });
  await entered;
  // The connection is held by that transaction: no direct read now (a read through Kysely waits for it).
  expect(s.sqlite!.readNow(select)).toBeUndefined();
  expect(s.sqlite!.readonly('select v from t')).toBe(true);
  expect(s.sqlite!.readonly('insert into t (v) values (1)')).toBe(false);
  release();
  await open;
  expect(s.sqlite!.readNow(select)!.rows).toEqual([{ v: 'pending' }]);
});

it('a direct single write joins the group, returns once committed, and a failing one changes nothing', async () => {
  const s = await setUp();
  const seenAtReturn: string[][] = [];
  const results = await Promise.allSettled([
    s.sqlite!.writeOne(insertSql('w1')).then((r) => (seenAtReturn.push(committedRows()), r)),
    insertIn(s, 'k1'),
    s.sqlite!.writeOne(insertSql('w1')),
    s.sqlite!.writeOne(insertSql('w2')).then((r) => (seenAtReturn.push(committedRows()), r)),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect((results[0] as PromiseFulfilledResult<{ numAffectedRows?: bigint }>).value.numAffectedRows).toBe(1n);
  expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
  for (const seen of seenAtReturn) expect(seen).toEqual(['k1', 'w1', 'w2']);
});
