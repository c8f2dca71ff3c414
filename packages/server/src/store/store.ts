import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** The one handle every service receives: a Kysely instance and the dialect it speaks. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Human-readable location without credentials, for logs. */
  describe: string;
  close(): Promise<void>;
}

export class StoreUrlError extends Error {
  override readonly name = 'StoreUrlError';
}

export function openStore(url: string, options: { poolSize?: number } = {}): Store {
  if (url.startsWith('file:')) return openSqlite(url.slice('file:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options.poolSize ?? 10);
  throw new StoreUrlError(
    `LATCHKEY_DATABASE_URL must start with "file:" (embedded SQLite) or "postgres://" (PostgreSQL); got "${url.split(':')[0]}:…"`,
  );
}

function openSqlite(path: string): Store {
  if (path === '') throw new StoreUrlError('LATCHKEY_DATABASE_URL "file:" needs a path, e.g. file:./data/latchkey.sqlite');
  const absolute = resolve(path);
  mkdirSync(dirname(absolute), { recursive: true });
  const sqlite = new SQLite(absolute);
  // WAL lets readers run beside the writer; NORMAL is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process (the CLI beside a running server) may hold the write lock for a moment.
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', describe: `sqlite ${absolute}`, close: () => db.destroy() };
}

function openPostgres(url: string, poolSize: number): Store {
  // int8 (bigint) columns hold Unix seconds and counters, well inside Number's exact range.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    db,
    dialect: 'postgres',
    describe: `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    close: () => db.destroy(),
  };
}
