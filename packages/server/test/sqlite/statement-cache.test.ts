import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { cacheStatements } from '../../src/store/statement-cache.js';

/** SQLite statements are prepared once per SQL text (a bounded, least-recently-used cache). */

const dirs: string[] = [];
function database(): SQLite.Database {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-stmt-'));
  dirs.push(dir);
  const db = new SQLite(join(dir, 'cache.sqlite'));
  db.exec('create table t (id integer primary key, v text)');
  return db;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('hands out the same prepared statement for the same SQL, and it runs with new parameters each time', () => {
  const db = database();
  const cached = cacheStatements(db);
  const insert = cached.prepare('insert into t (v) values (?)');
  expect(cached.prepare('insert into t (v) values (?)')).toBe(insert);
  insert.run(['a']);
  cached.prepare('insert into t (v) values (?)').run(['b']);
  expect(cached.prepare('select v from t order by id').all([])).toEqual([{ v: 'a' }, { v: 'b' }]);
  db.close();
});

it('keeps at most `size` statements, dropping the least recently used', () => {
  const db = database();
  const cached = cacheStatements(db, 2);
  const one = cached.prepare('select 1');
  const two = cached.prepare('select 2');
  expect(cached.prepare('select 1')).toBe(one); // now the most recently used
  cached.prepare('select 3'); // evicts `select 2`
  expect(cached.prepare('select 1')).toBe(one);
  expect(cached.prepare('select 2')).not.toBe(two);
  db.close();
});

it('a statement prepared before a schema change still runs correctly after it', () => {
  const db = database();
  const cached = cacheStatements(db);
  cached.prepare('insert into t (v) values (?)').run(['a']);
  expect(cached.prepare('select * from t').all([])).toEqual([{ id: 1, v: 'a' }]);
  db.exec("alter table t add column w text default 'x'");
  expect(cached.prepare('select * from t').all([])).toEqual([{ id: 1, v: 'a', w: 'x' }]);
  db.close();
});
