import { sql, type Kysely, type Migration } from 'kysely';
import type { Store } from '../store.js';

/**
 * The console's prefix search over identifiers (src/users/search-users.ts) reads a range
 * [prefix, successor(prefix)) in code point order. SQLite's BINARY collation is that order, and the
 * (project_id, identifier) unique index already serves it. PostgreSQL's unique index sorts by the
 * database's collation (en_US and the like ignore punctuation and case at first), where that range
 * is not the set of strings with the prefix: the query compares under COLLATE "C" (byte order of
 * UTF-8 = code point order), and this index is what makes that comparison an index range.
 */
export function userPrefixSearch(dialect: Store['dialect']): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      await sql`create index users_project_identifier_c on users (project_id, identifier collate "C")`.execute(db);
    },
    async down(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      await sql`drop index users_project_identifier_c`.execute(db);
    },
  };
}
