import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/store.js';
import { adminQuery, POSTGRES_ADMIN_URL, TEST_DATABASE_PREFIX, templateDatabaseName } from './test-store.js';

/**
 * Once per run, before any test file: drops the test databases a crashed earlier run left behind,
 * then makes this run's template database: created and migrated here, in vitest's main process,
 * and closed before any worker copies it (PostgreSQL refuses to copy a database anyone is
 * connected to). Dropped after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await dropLeftoverDatabases();
  const template = templateDatabaseName(process.pid);
  await adminQuery(`CREATE DATABASE ${template}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${template}`;
  const store = openStore(url.toString());
  try {
    await migrateToLatest(store);
  } finally {
    await store.close();
  }
  project.provide('latchkeyPostgresTemplate', template);
  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  };
}

/** Drops test databases a crashed earlier run left behind (never those of a run still going). */
async function dropLeftoverDatabases(): Promise<void> {
  const rows = await adminQuery<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${TEST_DATABASE_PREFIX}%`]);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
    if (isRunning(pid)) continue;
    await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
