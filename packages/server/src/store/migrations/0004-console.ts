import type { Kysely, Migration } from 'kysely';

/**
 * The operator console (docs/console.md): its administrators, their sessions and the single-use
 * invites that let a new administrator register a passkey. The console's login is a Latchkey
 * project of its own; console_settings names it. Not per-project tables: deleting a customer project
 * leaves them alone, and the console's own project cannot be deleted.
 */
export const consoleSchema: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('console_settings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('console_admins')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_login_at', 'bigint')
      .execute();
    await db.schema
      .createTable('console_invites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('admin_id', 'text', (c) => c.notNull().references('console_admins.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('authenticated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_expiry').on('console_sessions').column('expires_at').execute();
    // The console reads a project's events newest first, page by page: an index range per page.
    await db.schema.createIndex('passkey_events_project_seq').on('passkey_events').columns(['project_id', 'id']).execute();
    // A day's events (the console's time filter) without walking every newer one.
    await db.schema.createIndex('passkey_events_project_time').on('passkey_events').columns(['project_id', 'created_at']).execute();
    // Users page by page in id order (cursor = last id), as the console and GET /v2/users read them.
    await db.schema.createIndex('users_project_id_order').on('users').columns(['project_id', 'id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('users_project_id_order').execute();
    await db.schema.dropIndex('passkey_events_project_time').execute();
    await db.schema.dropIndex('passkey_events_project_seq').execute();
    await db.schema.dropTable('console_sessions').execute();
    await db.schema.dropTable('console_invites').execute();
    await db.schema.dropTable('console_admins').execute();
    await db.schema.dropTable('console_settings').execute();
  },
};
