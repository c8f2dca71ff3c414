import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { statementName } from './named-statements.js';
import { isConnectionFault } from './store-unavailable.js';

/**
 * The pool as Kysely sees it, with two changes. A connection on which a query failed because the
 * database was away or hung is destroyed on release instead of going back to the pool. And the hot
 * statements (named-statements.ts) run as named prepared statements: PostgreSQL parses and plans
 * each once per connection instead of at every run (see runNamed).
 *
 * Why: when pg's client-side `query_timeout` fires, the client stays busy with the unanswered
 * query; put back in the pool, it would hand the next request a connection that can only time out
 * again. Kysely always releases without an error, so the pool alone cannot tell. A refused write
 * (lost grants, a full disk) leaves the connection sound, so it goes back to the pool.
 */
export function discardBrokenConnections(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      await dropStalePlans(client);
      let broken: Error | undefined;
      const query = ((...args: Parameters<pg.PoolClient['query']>) => {
        const name = typeof args[0] === 'string' ? statementName(args[0]) : undefined;
        const result = name ? runNamed(client, name, args[0] as string, args[1] as unknown[]) : (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            if (isConnectionFault(error) || (error as { staleConnection?: boolean }).staleConnection) broken = error as Error;
            throw error;
          });
        }
        return result; // a cursor
      }) as PostgresPoolClient['query'];
      return { query, release: () => client.release(broken ?? undefined) };
    },
    end: () => pool.end(),
  };
}

/**
 * A hot statement, prepared once per connection (named-statements.ts). When a migration changed a
 * table under it, PostgreSQL refuses the old plan's result shape ("cached plan must not change
 * result type", 0A000: a newer instance migrated while this one runs); the statement is then
 * prepared again and run once more. Inside a transaction that retry is impossible (the failure
 * aborted it), so the error stands, the connection is discarded like a broken one, and
 * inTransaction runs the whole transaction again.
 */
async function runNamed(client: pg.PoolClient, name: string, text: string, values: unknown[] | undefined): Promise<pg.QueryResult> {
  try {
    return await client.query({ name, text, values });
  } catch (error) {
    if (!isStalePlan(error)) throw error;
    // The table changed for every connection: each (this one too, whose other plans may be
    // stale as well) drops its plans before its next use.
    planGeneration++;
    try {
      await client.query(`deallocate ${name}`);
    } catch {
      throw Object.assign(error as Error, { staleConnection: true });
    }
    forgetParsed(client, name);
    return client.query({ name, text, values });
  }
}

/**
 * Bumped whenever a connection meets a stale plan; each connection remembers the generation whose
 * plans it holds. The other connections of the pool hold the same stale plans, so at its next
 * checkout each one drops them all (DEALLOCATE ALL, once per migration seen): the transaction
 * that met the stale plan is then run again (inTransaction) on whichever connection it gets.
 */
let planGeneration = 0;
const plansOf = new WeakMap<pg.PoolClient, number>();

async function dropStalePlans(client: pg.PoolClient): Promise<void> {
  const held = plansOf.get(client) ?? 0;
  if (held === planGeneration) return;
  plansOf.set(client, planGeneration);
  const parsed = parsedStatementsOf(client);
  if (held === 0 && Object.keys(parsed ?? {}).length === 0) return; // a new connection holds no plans
  await client.query('deallocate all');
  if (parsed) for (const name of Object.keys(parsed)) delete parsed[name];
}

/** A statement inside a transaction met a plan a migration made stale: the transaction failed, and may be run again. */
export function isStalePlanFailure(error: unknown): boolean {
  return isStalePlan(error) && (error as { staleConnection?: boolean }).staleConnection === true;
}

function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test((error as Error).message);
}

/** pg remembers per connection which names it has prepared; after DEALLOCATE it must prepare again. */
function forgetParsed(client: pg.PoolClient, name: string): void {
  const parsed = parsedStatementsOf(client);
  if (parsed) delete parsed[name];
}

/** pg's per-connection record of the statement names it has prepared (not part of its typed API). */
function parsedStatementsOf(client: pg.PoolClient): Record<string, string> | undefined {
  return (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
}
