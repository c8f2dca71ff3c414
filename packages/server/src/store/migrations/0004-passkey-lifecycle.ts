import type { Kysely, Migration } from 'kysely';

/**
 * Passkey lifecycle (issue 13): the label a user gives a passkey. Null until renamed, so every
 * passkey stored before keeps showing its provider's name.
 */
export const passkeyLifecycle: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('credentials').addColumn('name', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('credentials').dropColumn('name').execute();
  },
};
