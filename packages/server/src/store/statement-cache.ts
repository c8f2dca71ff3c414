import type SQLite from 'better-sqlite3';
import type { SqliteHandle, SqliteStatementHandle } from './sqlite-group-commit.js';

/** More distinct statements than the server has shapes of queries; a bounded map all the same. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The SQLite database as Kysely sees it, with `prepare` memoised by SQL text: Kysely prepares every
 * query it runs, and preparing (parsing and planning the SQL) cost more than running most of our
 * queries. A statement is only ever used by one query at a time: Kysely runs the queries of its one
 * SQLite connection one after another (a stream holds the connection until it ends). Least recently
 * used statements are dropped past `size` (better-sqlite3 finalises them when collected), and a
 * statement prepared before a schema change is re-prepared by SQLite itself when next run.
 */
export function cacheStatements(database: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteHandle {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    get inTransaction() {
      return database.inTransaction;
    },
    prepare(sql: string): SqliteStatementHandle {
      let statement = statements.get(sql);
      if (statement) {
        // Map keeps insertion order: re-inserting makes this the most recently used.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement as unknown as SqliteStatementHandle;
    },
  };
}
