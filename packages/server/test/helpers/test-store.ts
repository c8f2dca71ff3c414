import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated database freshMigratedDatabase() copies, made by postgres-global-setup.ts (CREATE DATABASE … TEMPLATE). */
    latchkeyPostgresTemplate: string;
  }
}

/**
 * Which store this test run uses. vitest.config.ts runs the whole suite once per store (the
 * `sqlite` and `postgres` projects) and sets LATCHKEY_TEST_STORE for each; tests never branch on
 * it except where a promise is about one store only.
 */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.LATCHKEY_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL server the postgres project runs against; each test database is created in it. */
export const POSTGRES_ADMIN_URL = process.env.LATCHKEY_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Test databases carry this prefix so that a crashed run's leftovers can be found and dropped. */
export const TEST_DATABASE_PREFIX = 'latchkey_test_';

export interface TestDatabase {
  /** A LATCHKEY_DATABASE_URL for a store nobody else uses. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty store of the kind this run tests: a new SQLite file, or a new PostgreSQL database. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (TEST_STORE === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
    return { url: `file:${join(dir, 'latchkey.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  return freshPostgresDatabase();
}

/**
 * A fresh store with every migration applied, as a server's start leaves it. On PostgreSQL a copy
 * of the run's template database (migrated once, by postgres-global-setup.ts): copying it is much
 * cheaper than running the migrations in every test's database. Still a database of its own.
 */
export async function freshMigratedDatabase(): Promise<TestDatabase> {
  if (TEST_STORE === 'sqlite') return freshDatabase();
  return freshPostgresDatabase({ template: inject('latchkeyPostgresTemplate') });
}

export async function freshPostgresDatabase({ template }: { template?: string } = {}): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(6).toString('hex')}`;
  await adminQuery(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The name of the migrated template database postgres-global-setup.ts makes for one run (its process id keeps runs apart). */
export const templateDatabaseName = (pid: number) => `${TEST_DATABASE_PREFIX}${pid}_template`;

/** One statement on the admin database, on a connection of its own. */
export async function adminQuery<R extends pg.QueryResultRow = any>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
