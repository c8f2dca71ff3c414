import type { Kysely, Migration } from 'kysely';

/**
 * What the console's latency chart and instance count read (src/ops): every serving process (an
 * instance; each cluster worker is one) writes a heartbeat row and, once per sample interval, one
 * row per route family with that period's request count and latency histogram. Rows are per
 * instance and merged on read, so several instances never write the same row. Housekeeping keeps
 * 30 days of samples and drops instances not seen for a day.
 */
export const opsSamples: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('instances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('instances_last_seen').on('instances').column('last_seen_at').execute();
    await db.schema
      .createTable('latency_samples')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('family', 'text', (c) => c.notNull())
      // The UTC minute (Unix seconds, a multiple of 60) the sampled period falls in.
      .addColumn('minute', 'bigint', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      // This instance's own quantiles, for reading the table by hand; the console merges `buckets`.
      .addColumn('p50_ms', 'real', (c) => c.notNull())
      .addColumn('p99_ms', 'real', (c) => c.notNull())
      // JSON object: bucket index (ops/latency-buckets.ts) → requests in it.
      .addColumn('buckets', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('latency_samples_minute').on('latency_samples').column('minute').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('latency_samples').execute();
    await db.schema.dropTable('instances').execute();
  },
};
