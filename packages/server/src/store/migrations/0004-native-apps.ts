import type { Kysely, Migration } from 'kysely';

/**
 * Where else a project's passkeys may be used (issue 13): related origins (WebAuthn Related Origin
 * Requests, other domains under the same RP ID), Android apps (package name and signing-certificate
 * SHA-256) and iOS apps (team ID and bundle ID). Each a JSON array on the project's row, like
 * `origins`: they are read with the project on every ceremony, and go with it when it is deleted.
 * Touches only `projects`, so it is independent of every other 0004-* migration's order.
 */
export const nativeApps: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('projects').addColumn('related_origins', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('projects').addColumn('android_apps', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('projects').addColumn('ios_apps', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('projects').dropColumn('ios_apps').execute();
    await db.schema.alterTable('projects').dropColumn('android_apps').execute();
    await db.schema.alterTable('projects').dropColumn('related_origins').execute();
  },
};
