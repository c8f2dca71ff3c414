import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { isConnectionFault } from './store-unavailable.js';

/**
 * The pool as Kysely sees it, with one change: a connection on which a query failed because the
 * database was away or hung is destroyed on release instead of going back to the pool.
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
      let broken: Error | undefined;
      const query = ((...args: Parameters<pg.PoolClient['query']>) => {
        const result = (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            if (isConnectionFault(error)) broken = error as Error;
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
