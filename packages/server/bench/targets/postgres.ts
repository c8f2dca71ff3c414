import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh PostgreSQL database for one run, dropped afterwards. `undefined` with the reason when the
 * server cannot be reached: the bench then skips PostgreSQL and says why.
 */
export async function createDatabase(adminUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> } | { skipped: string }> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    return { skipped: `PostgreSQL at ${new URL(adminUrl).host} unreachable (${(error as Error).message})` };
  }
  const name = `latchkey_bench_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
