import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/store.js';
import { freshDatabase, type TestDatabase } from '../helpers/test-store.js';

/**
 * Several processes on one SQLite file (`serve --workers N`, the CLI beside a server): every
 * transaction takes the write lock when it begins (BEGIN IMMEDIATE). Another process then waits its
 * turn (busy_timeout) instead of both starting as readers, where the one that writes second could
 * never be upgraded (SQLITE_BUSY at once, whatever the timeout) and a request would fail.
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

it('a transaction holds the write lock from its first statement, a read, until it commits', async () => {
  database = await freshDatabase();
  store = openStore(database.url);
  await sql`create table counter (n integer not null)`.execute(store.db);
  await sql`insert into counter (n) values (0)`.execute(store.db);
  // Another process's connection, which does not wait: a held lock shows at once.
  other = new SQLite(store.file!);
  other.pragma('busy_timeout = 0');

  await store.db.transaction().execute(async (trx) => {
    await sql`select n from counter`.execute(trx);
    // Only read so far, and still no other writer may start: the lock was taken at BEGIN.
    expect(() => other!.prepare('update counter set n = n + 100').run()).toThrow(/database is locked/);
    await sql`update counter set n = n + 1`.execute(trx);
  });
  // Committed: the other process writes now, after this transaction, never in its middle.
  other.prepare('update counter set n = n + 100').run();
  expect(other.prepare('select n from counter').get()).toEqual({ n: 101 });
});
