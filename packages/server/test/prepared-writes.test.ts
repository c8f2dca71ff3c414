import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Ctx } from '../src/context.js';
import { createContext } from '../src/server.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { prepareQuery } from '../src/store/prepare-query.js';
import { openStore } from '../src/store/store.js';
import { writeTogether } from '../src/store/write-together.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';

/**
 * The hot statements' plumbing, on the store of this run: a query compiled once runs with each
 * call's own arguments (and refuses to be built in a way that would fix an argument), and a
 * step's writes land together, or not at all.
 */

let database: TestDatabase;
let ctx: Ctx;
beforeAll(async () => {
  database = await freshDatabase();
  const store = openStore(database.url);
  await migrateToLatest(store);
  ctx = createContext({ keyEncryptionKey: undefined }, store);
});
afterAll(async () => {
  await ctx.store.close();
  await database.drop();
});

const project = (id: string) => ({ id, name: id, rp_id: 'localhost', rp_name: id, origins: '["http://localhost:3000"]', token_ttl: 300, created_at: 1, updated_at: 1 });

it('a prepared query runs with each call’s arguments, not the first call’s', async () => {
  const byName = prepareQuery((db, args: { name: string }) => db.selectFrom('projects').select('id').where('name', '=', args.name));
  await ctx.store.db.insertInto('projects').values([project('pro-prepared-a'), project('pro-prepared-b')]).execute();
  expect((await byName.execute(ctx, { name: 'pro-prepared-a' })).rows).toEqual([{ id: 'pro-prepared-a' }]);
  expect((await byName.execute(ctx, { name: 'pro-prepared-b' })).rows).toEqual([{ id: 'pro-prepared-b' }]);
  expect((await byName.execute(ctx, { name: 'nobody' })).rows).toEqual([]);
});

it('refuses a build whose argument does not end up as a placeholder (a branch on its value would be fixed)', () => {
  const branching = prepareQuery((db, args: { limit: number }) => db.selectFrom('projects').select('id').where('name', '=', String(args.limit).length > 3 ? 'a' : 'b'));
  expect(() => branching.compiled(ctx, { limit: 1 })).toThrow(/argument "limit" is not a placeholder/);
});

it('writes a step’s rows together, and none of them when one fails', async () => {
  await writeTogether(ctx, (db) => [
    db.insertInto('projects').values(project('pro-together-a')),
    db.insertInto('projects').values(project('pro-together-b')),
  ]);
  const ids = async () => (await ctx.store.db.selectFrom('projects').select('id').where('id', 'like', 'pro-together-%').orderBy('id').execute()).map((r) => r.id);
  expect(await ids()).toEqual(['pro-together-a', 'pro-together-b']);
  // The second write breaks the primary key: the first must not stay either.
  await expect(
    writeTogether(ctx, (db) => [db.insertInto('projects').values(project('pro-together-c')), db.insertInto('projects').values(project('pro-together-a'))]),
  ).rejects.toThrow();
  expect(await ids()).toEqual(['pro-together-a', 'pro-together-b']);
});
