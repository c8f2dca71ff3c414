import type { Kysely, Migration } from 'kysely';

/**
 * A revoked connect token keeps its row (status `revoked`, answered with its own error code) instead
 * of vanishing: the app can see what it revoked, and a page holding the secret learns why it fails.
 * Touches only connect_tokens, so it is independent of every other 0003-* migration's order.
 */
export const revokedConnectTokens: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('connect_tokens').addColumn('revoked_at', 'bigint').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('connect_tokens').dropColumn('revoked_at').execute();
  },
};
