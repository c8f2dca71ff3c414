import type { Kysely, Migration } from 'kysely';

/**
 * One row that readiness checks write. A store that answers reads can still refuse writes (a
 * read-only or immutable file, a full disk, a role that lost its grants), and a login writes; so
 * `/readyz` and `latchkey serve` prove a committed write, on a table of its own.
 */
export const healthProbe: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('health_probe')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('probed_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('health_probe').execute();
  },
};
