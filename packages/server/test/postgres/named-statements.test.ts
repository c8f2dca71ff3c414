import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.js';
import { inTransaction } from '../../src/store/in-transaction.js';
import { prepareQuery } from '../../src/store/prepare-query.js';
import { openStore, type Store } from '../../src/store/store.js';
import { freshPostgresDatabase, type TestDatabase } from '../helpers/test-store.js';

/**
 * The hot statements (prepareQuery) run on PostgreSQL as named prepared statements: parsed and
 * planned once per connection. A migration that changes a table under one (a newer instance
 * adding a column while this one runs) must not break it.
 */

let database: TestDatabase | undefined;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  await database?.drop();
  database = store = undefined;
});

const rowById = prepareQuery((db, args: { id: number }) => db.selectFrom('named_t' as never).selectAll().where('id' as never, '=', args.id as never));

async function setUp(poolSize = 1): Promise<Ctx> {
  database = await freshPostgresDatabase();
  store = openStore(database.url, { poolSize });
  await sql`create table named_t (id integer primary key, v text not null)`.execute(store.db);
  await sql`insert into named_t (id, v) values (1, 'one'), (2, 'two')`.execute(store.db);
  return { store } as unknown as Ctx;
}

const preparedOnServer = (ctx: Ctx) => sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(ctx.store.db);

it('runs a hot query as a statement prepared once on the connection, with fresh arguments each time', async () => {
  const ctx = await setUp();
  expect((await rowById.execute(ctx, { id: 1 })).rows).toEqual([{ id: 1, v: 'one' }]);
  expect((await rowById.execute(ctx, { id: 2 })).rows).toEqual([{ id: 2, v: 'two' }]);
  const prepared = (await preparedOnServer(ctx)).rows.filter((row) => row.statement.includes('named_t'));
  expect(prepared).toHaveLength(1);
  expect(prepared[0]!.name).toMatch(/^latchkey_\d+$/);
});

it('a column added under a prepared statement: the next run prepares it again and answers with the new shape', async () => {
  const ctx = await setUp();
  expect((await rowById.execute(ctx, { id: 1 })).rows).toEqual([{ id: 1, v: 'one' }]);
  // Another connection (a newer instance's migration) changes the table.
  const other = openStore(database!.url);
  await sql`alter table named_t add column w text not null default 'x'`.execute(other.db);
  await other.close();
  expect((await rowById.execute(ctx, { id: 1 })).rows).toEqual([{ id: 1, v: 'one', w: 'x' }]);
  expect((await rowById.execute(ctx, { id: 2 })).rows).toEqual([{ id: 2, v: 'two', w: 'x' }]);
});

it('inside a transaction the stale statement fails the transaction, and its connection is not reused', async () => {
  const ctx = await setUp();
  await rowById.execute(ctx, { id: 1 });
  const other = openStore(database!.url);
  await sql`alter table named_t add column w text not null default 'x'`.execute(other.db);
  await other.close();
  await expect(ctx.store.db.transaction().execute((trx) => rowById.execute({ store: { ...ctx.store, db: trx } } as unknown as Ctx, { id: 1 }))).rejects.toThrow(
    /cached plan must not change result type/,
  );
  // A fresh connection answers (the pool of one discarded the stale one).
  expect((await rowById.execute(ctx, { id: 2 })).rows).toEqual([{ id: 2, v: 'two', w: 'x' }]);
});

it('a service transaction that meets a stale statement runs again, on a connection that dropped its stale plans first', async () => {
  const ctx = await setUp(2);
  // Both connections of the pool prepare the statement (two transactions at once hold one each).
  let release!: () => void;
  const bothIn = new Promise<void>((resolve) => (release = resolve));
  let inside = 0;
  await Promise.all(
    Array.from({ length: 2 }, () =>
      ctx.store.db.transaction().execute(async (trx) => {
        await rowById.execute({ store: { ...ctx.store, db: trx } } as unknown as Ctx, { id: 1 });
        if (++inside === 2) release();
        await bothIn;
      }),
    ),
  );
  const other = openStore(database!.url);
  await sql`alter table named_t add column w text not null default 'x'`.execute(other.db);
  await other.close();
  // The first try fails on one connection (discarded); the second runs on the other, which held
  // the same stale plan and dropped it at checkout.
  const rows = await inTransaction(ctx, async (txCtx) => (await rowById.execute(txCtx, { id: 1 })).rows);
  expect(rows).toEqual([{ id: 1, v: 'one', w: 'x' }]);
  expect((await rowById.execute(ctx, { id: 2 })).rows).toEqual([{ id: 2, v: 'two', w: 'x' }]);
});
