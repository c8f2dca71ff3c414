import type { Kysely, Migration } from 'kysely';

/** Housekeeping deletes by expiry: these two tables need an index on it (the others have one). */
export const expiryIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('challenges_expires').on('challenges').column('expires_at').execute();
    await db.schema.createIndex('connect_tokens_expires').on('connect_tokens').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('challenges_expires').execute();
    await db.schema.dropIndex('connect_tokens_expires').execute();
  },
};
