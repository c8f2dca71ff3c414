import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../store.js';

/**
 * The adoption engine (issue 10): a rollout policy per project, what Latchkey knows per user and
 * device (dismissed offers, cross-device logins), the device a passkey was created on, and the
 * funnel's raw events with their daily roll-up.
 */
export function adoptionSchema(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('project_policies')
        .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('user_devices')
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // '' = a device that sent no device id: such devices share one back-off per user.
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('dismissals', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_offer_at', 'bigint')
        .addColumn('cross_device_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_devices_pk', ['project_id', 'user_id', 'device_id'])
        .execute();

      await db.schema.alterTable('credentials').addColumn('device_id', 'text').execute();
      await db.schema.createIndex('credentials_user_device').on('credentials').columns(['user_id', 'device_id']).execute();

      // What the process's clientInfo said, normalised, plus what the decisions need later in the process.
      await db.schema.alterTable('processes').addColumn('device_id', 'text').execute();
      await db.schema.alterTable('processes').addColumn('os_family', 'text').execute();
      await db.schema.alterTable('processes').addColumn('browser_family', 'text').execute();
      await db.schema.alterTable('processes').addColumn('login_method', 'text').execute();
      await db.schema.alterTable('processes').addColumn('conditional_create', 'integer', (c) => c.notNull().defaultTo(0)).execute();

      await db.schema
        .createTable('adoption_events')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('project_id', 'text', (c) => c.notNull())
        /** Days since 1970-01-01 (UTC) of created_at: the roll-up's and the report's unit. */
        .addColumn('day', 'integer', (c) => c.notNull())
        /** 'client' (the page or the app reported it) or 'server' (Latchkey saw it happen). */
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('result', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('os_family', 'text', (c) => c.notNull())
        .addColumn('browser_family', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('process_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('identifier_hash', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('adoption_events_project_day').on('adoption_events').columns(['project_id', 'day']).execute();
      await db.schema.createIndex('adoption_events_day').on('adoption_events').column('day').execute();

      await db.schema
        .createTable('adoption_daily')
        .addColumn('project_id', 'text', (c) => c.notNull())
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('os_family', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('adoption_daily_pk', ['project_id', 'day', 'os_family', 'source', 'type', 'method', 'reason', 'result'])
        .execute();

      /** A day listed here has its aggregates in adoption_daily: reports stop reading its raw rows. */
      await db.schema
        .createTable('adoption_rollups')
        .addColumn('day', 'integer', (c) => c.primaryKey())
        .addColumn('rolled_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
