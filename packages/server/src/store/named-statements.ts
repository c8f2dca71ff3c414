import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/**
 * The SQL texts of the hot queries (prepareQuery compiles each once per dialect) that PostgreSQL
 * keeps prepared on every connection: parsed and planned once per connection instead of at every
 * statement. The set is bounded by the code (one entry per prepared query), not by traffic.
 */
const names = new Map<string, string>();

/** Marks a compiled PostgreSQL text as hot; returns the statement's name. */
export function nameStatement(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `latchkey_${names.size + 1}`;
    names.set(sql, name);
  }
  return name;
}

/** The name of a hot statement, or undefined for any other text (run unnamed, planned each time). */
export function statementName(sql: string): string | undefined {
  return names.get(sql);
}

/**
 * Runs a statement whose text never changes (its values are parameters) and marks it hot: on
 * PostgreSQL it is then prepared once per connection. For statements not built by prepareQuery.
 */
export function executePrepared<R>(db: Kysely<Database>, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  nameStatement(query.sql);
  return db.executeQuery(query);
}
