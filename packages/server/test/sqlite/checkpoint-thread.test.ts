import SQLite from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/metrics.js';
import { checkpointInThread, DEFAULT_AUTOCHECKPOINT, type CheckpointThread } from '../../src/store/sqlite-checkpoint-thread.js';
import { openStore, type Store } from '../../src/store/store.js';
import { freshDatabase, type TestDatabase } from '../helpers/test-store.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * WAL checkpoints on a thread of their own (src/store/sqlite-checkpoint-thread.ts): the server's
 * connection keeps only a far-off backstop, the thread copies the WAL into the file and starts it
 * over under steady writes, and when the thread is gone the server's connection checkpoints again
 * and the operator hears of it.
 */

let database: TestDatabase | undefined;
let store: Store | undefined;
let main: SQLite.Database | undefined;
let thread: CheckpointThread | undefined;

afterEach(async () => {
  await thread?.stop();
  main?.close();
  await store?.close();
  await database?.drop();
  database = store = main = thread = undefined;
});

const autocheckpointOf = (connection: SQLite.Database) => connection.pragma('wal_autocheckpoint', { simple: true });

it('under steady writes the thread checkpoints and starts the WAL over; the server’s connection keeps only a backstop', async () => {
  database = await freshDatabase();
  store = openStore(database.url, { checkpointInThread: { intervalMs: 5, restartFrames: 40 } });
  const s = store;
  await sql`create table t (id integer primary key, v blob not null)`.execute(s.db);
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(s.db);
  expect(rows[0]!.wal_autocheckpoint).toBe(400);

  // Writes keep coming, without a pause, while the thread works: each transaction a page or so of
  // WAL. A PASSIVE checkpoint then never catches up with the last commit; only a RESTART starts the WAL over.
  let written = 0;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      await Promise.all(Array.from({ length: 4 }, () => s.db.transaction().execute((trx) => trx.insertInto('t' as never).values({ v: Buffer.alloc(3000, written) } as never).execute())));
      written += 4;
    }
  })();
  await waitUntil('the thread has started the WAL over', async () => (s.checkpoints!().restarts > 0 ? true : undefined));
  writing = false;
  await writer;
  expect(s.checkpoints!().checkpoints).toBeGreaterThan(0);
  const text = await new Metrics(s).registry.metrics();
  expect(text).toMatch(new RegExp(`^latchkey_store_checkpoints_total ${s.checkpoints!().checkpoints}$`, 'm'));
  expect(text).toMatch(/^latchkey_store_wal_restarts_total [1-9]\d*$/m);

  // Nothing was lost on the way: every row is in, and the store closes with the whole WAL copied
  // into the file (the thread's connection closed first, so the server's was the last one).
  const file = s.file!;
  const count = await s.db.selectFrom('t' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  expect(count.n).toBe(written);
  await s.close();
  store = undefined;
  expect(existsSync(`${file}-wal`)).toBe(false);
  const reopened = new SQLite(file, { readonly: true });
  expect(reopened.prepare('select count(*) from t').pluck().get()).toBe(written);
  reopened.close();
});

it('a reader that stays on the WAL (an export) delays the restart, never the writes; the WAL starts over once it ends', async () => {
  database = await freshDatabase();
  store = openStore(database.url, { checkpointInThread: { intervalMs: 5, restartFrames: 40 } });
  const s = store;
  await sql`create table t (id integer primary key, v blob not null)`.execute(s.db);
  await s.db.insertInto('t' as never).values({ v: Buffer.alloc(10) } as never).execute();
  // Another connection opens a read transaction and keeps it: its snapshot pins the WAL.
  const reader = new SQLite(s.file!);
  reader.exec('begin');
  reader.prepare('select count(*) from t').get();
  let written = 0;
  const writeSome = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await Promise.all(Array.from({ length: 4 }, () => s.db.transaction().execute((trx) => trx.insertInto('t' as never).values({ v: Buffer.alloc(3000, written) } as never).execute())));
      written += 4;
    }
  };
  await writeSome(60); // far past restartFrames
  // The thread tries, finds the reader, and backs off (1 s, then 2 s): two tries that gave up.
  await waitUntil('a RESTART gave up on the reader', async () => (s.checkpoints!().busyRestarts >= 1 ? true : undefined));
  const copied = s.checkpoints!().checkpoints;
  await waitUntil('a second RESTART gave up on the reader', async () => (s.checkpoints!().busyRestarts >= 2 ? true : undefined));
  expect(s.checkpoints!().restarts).toBe(0);
  // Nothing could be copied past the reader's snapshot in between: a try that gave up is no checkpoint.
  expect(s.checkpoints!().checkpoints).toBe(copied);
  const text = await new Metrics(s).registry.metrics();
  expect(text).toMatch(/^latchkey_store_wal_restarts_busy_total [2-9]\d*$/m);
  reader.exec('commit');
  reader.close();
  let writing = true;
  const writer = (async () => {
    while (writing) await writeSome(1);
  })();
  await waitUntil('the WAL started over after the reader left', async () => (s.checkpoints!().restarts > 0 ? true : undefined), 45_000);
  writing = false;
  await writer;
  const count = await s.db.selectFrom('t' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  expect(count.n).toBe(written + 1);
});

it('when the thread stops, the server’s connection checkpoints again and the operator is told', async () => {
  database = await freshDatabase();
  main = new SQLite(database.url.slice('file:'.length));
  main.pragma('journal_mode = WAL');
  const errors: Error[] = [];
  thread = checkpointInThread(main, main.name, { restartFrames: 100, onError: (error) => errors.push(error) });
  expect(autocheckpointOf(main)).toBe(1000);
  await thread.thread.terminate();
  await waitUntil('the stop was reported', async () => (errors.length > 0 ? true : undefined));
  expect(errors[0]!.message).toMatch(/checkpoint thread stopped/);
  expect(autocheckpointOf(main)).toBe(DEFAULT_AUTOCHECKPOINT);
});

it('a thread that cannot open the file hands checkpoints back at once, and says why', async () => {
  database = await freshDatabase();
  main = new SQLite(database.url.slice('file:'.length));
  main.pragma('journal_mode = WAL');
  const errors: Error[] = [];
  thread = checkpointInThread(main, `${main.name}.missing`, { onError: (error) => errors.push(error) });
  await waitUntil('the thread gave up', async () => (errors.length >= 2 ? true : undefined));
  expect(errors.map((error) => error.message).join('\n')).toMatch(/unable to open|does not exist|SQLITE_CANTOPEN/i);
  expect(errors.at(-1)!.message).toMatch(/checkpoint thread stopped/);
  expect(autocheckpointOf(main)).toBe(DEFAULT_AUTOCHECKPOINT);
});

it('a CLI command (no thread asked for) checkpoints as SQLite does by default', async () => {
  database = await freshDatabase();
  store = openStore(database.url);
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
  expect(rows[0]!.wal_autocheckpoint).toBe(DEFAULT_AUTOCHECKPOINT);
  expect(store.checkpoints).toBeUndefined();
});
