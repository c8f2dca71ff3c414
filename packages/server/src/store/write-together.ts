import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Ctx } from '../context.js';
import { executePrepared } from './named-statements.js';
import type { Database } from './schema.js';

/**
 * A step's few writes (login/init: the process and its challenge; login/start: the challenge and
 * the process's user), committed together at the cost of one commit:
 *
 * - on PostgreSQL as ONE statement: all but the last become data-modifying `WITH` parts of the last
 *   (one statement is one transaction: one round trip and one commit instead of one each; a foreign
 *   key between them is checked at the end of the statement, when both rows exist);
 * - on SQLite in one transaction (one member of a group commit instead of one per statement:
 *   sqlite-group-commit.ts). A store fault at COMMIT still answers 503: the group's COMMIT error
 *   is the one every member reports.
 *
 * The writes must not depend on each other's results (the parts of a `WITH` see the same snapshot),
 * and are not audit events (those are written by inTransaction, after the queued refusals).
 */
export async function writeTogether(ctx: Ctx, build: (db: Kysely<Database>) => Array<Compilable | CompiledQuery>): Promise<void> {
  if (ctx.store.dialect === 'postgres' && !ctx.store.db.isTransaction) {
    // One text per call site: prepared once per connection.
    await executePrepared(ctx.store.db, asOneStatement(build(ctx.store.db).map(compiled)));
    return;
  }
  const direct = ctx.store.sqlite;
  if (direct && !ctx.store.db.isTransaction) {
    // SQLite: the writes run at once, as one member of the group commit (sqlite-group-commit.ts).
    const queries = build(ctx.store.db).map(compiled);
    await direct.member((run) => {
      for (const query of queries) run(query);
    });
    return;
  }
  const writeAll = async (db: Kysely<Database>) => {
    for (const query of build(db)) await db.executeQuery(compiled(query));
  };
  // No event among these writes, so queued refusals need not be written first (as inTransaction
  // does for a transaction that records events): they keep waiting for their batch.
  if (ctx.store.db.isTransaction) await writeAll(ctx.store.db);
  else await ctx.store.db.transaction().execute(writeAll);
}

const compiled = (query: Compilable | CompiledQuery): CompiledQuery => ('compile' in query ? query.compile() : query);

/**
 * `WITH w0 AS (q0), w1 AS (q1) qN`, parameters renumbered in order. Kysely's PostgreSQL compiler
 * writes every value as a `$n` placeholder and quotes every identifier, so `$` followed by digits
 * appears in its SQL only as a placeholder.
 */
function asOneStatement(queries: CompiledQuery[]): CompiledQuery {
  const parameters: unknown[] = [];
  const texts = queries.map((query) => {
    const offset = parameters.length;
    parameters.push(...query.parameters);
    return offset === 0 ? query.sql : query.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  const last = texts.pop()!;
  const parts = texts.map((text, i) => `w${i} as (${text})`);
  return CompiledQuery.raw(parts.length > 0 ? `with ${parts.join(', ')} ${last}` : last, parameters);
}
