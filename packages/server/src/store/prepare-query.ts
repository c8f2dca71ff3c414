import type { CompiledQuery, Compilable, Kysely, QueryResult } from 'kysely';
import type { Ctx } from '../context.js';
import type { Database } from './schema.js';
import { nameStatement } from './named-statements.js';
import type { Dialect } from './store.js';

/** Stands in for an argument while the query is compiled; never a value the server writes. */
const MARK = '\u0000latchkey-prepared-arg:';

type Slot = { arg: string } | { value: unknown };

export interface PreparedQuery<A, R> {
  /** The query for these arguments, compiled without running Kysely's query builder again. */
  compiled(ctx: Ctx, args: A): CompiledQuery<R>;
  execute(ctx: Ctx, args: A): Promise<QueryResult<R>>;
}

/**
 * A hot query built and compiled by Kysely once per dialect, then run with fresh arguments. Kysely
 * otherwise builds an immutable query tree and compiles it to SQL for every statement (about a
 * tenth of a login's and a verification's CPU); the SQL text, and with it SQLite's prepared
 * statement (statement-cache.ts), stays exactly what Kysely writes.
 *
 * `build` must be straight-line in its arguments: it is called once, with stand-ins that Kysely
 * turns into placeholders, so a branch on an argument's value (or an argument Kysely inlines into
 * the SQL) would be fixed at the first call. An argument that ends up in no placeholder is refused
 * at that first compile, so such a mistake fails every time, in tests, not silently.
 */
export function prepareQuery<A extends Record<string, unknown>, R>(build: (db: Kysely<Database>, args: A) => Compilable<R>): PreparedQuery<A, R> {
  const templates = new Map<Dialect, { template: CompiledQuery<R>; slots: Slot[] }>();

  const templateFor = (ctx: Ctx) => {
    let entry = templates.get(ctx.store.dialect);
    if (entry) return entry;
    const used = new Set<string>();
    const standIns = new Proxy({} as A, {
      get: (_target, key) => {
        used.add(String(key));
        return `${MARK}${String(key)}`;
      },
    });
    const template = build(ctx.store.db, standIns).compile();
    const slots: Slot[] = template.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(MARK) ? { arg: value.slice(MARK.length) } : { value },
    );
    for (const key of used) {
      if (!slots.some((slot) => 'arg' in slot && slot.arg === key)) throw new Error(`prepared query: argument "${key}" is not a placeholder in: ${template.sql}`);
    }
    if (ctx.store.dialect === 'postgres') nameStatement(template.sql);
    entry = { template, slots };
    templates.set(ctx.store.dialect, entry);
    return entry;
  };

  const compiled = (ctx: Ctx, args: A): CompiledQuery<R> => {
    const { template, slots } = templateFor(ctx);
    return { ...template, parameters: slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.value)) };
  };
  const execute = (ctx: Ctx, args: A): Promise<QueryResult<R>> => {
    const query = compiled(ctx, args);
    const direct = ctx.store.sqlite;
    // SQLite, outside a transaction: the driver runs it directly (a read at once when the
    // connection is free, a write as a member of its own of the group commit).
    if (direct && !ctx.store.db.isTransaction) {
      if (!direct.readonly(query.sql)) return direct.writeOne(query) as Promise<QueryResult<R>>;
      const read = direct.readNow(query);
      if (read) return Promise.resolve(read as QueryResult<R>);
    }
    return ctx.store.db.executeQuery(query);
  };
  return { compiled, execute };
}
