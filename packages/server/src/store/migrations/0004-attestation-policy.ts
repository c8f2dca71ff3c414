import type { Kysely, Migration } from 'kysely';

/**
 * Attestation policy per project (issue 13, item 5), and the FIDO Metadata Service (MDS3) entries
 * an operator imported offline. MDS data is the same for every project, so it is stored once; the
 * blob's own facts (serial `no`, `nextUpdate`) sit in a one-row table beside its entries.
 */
export const attestationPolicySchema: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('attestation_policies')
      .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
      /** 'none' | 'allow' | 'deny' | 'mds' */
      .addColumn('mode', 'text', (c) => c.notNull())
      /** JSON array of lower-case AAGUID strings (allow or deny list). */
      .addColumn('aaguids', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('mds_blobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('no', 'integer', (c) => c.notNull())
      /** As the blob says it: YYYY-MM-DD. */
      .addColumn('next_update', 'text', (c) => c.notNull())
      .addColumn('entries', 'integer', (c) => c.notNull())
      .addColumn('imported_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('mds_entries')
      /** An AAGUID (FIDO2), or `key:<hex>` for a U2F attestation certificate key identifier. */
      .addColumn('key', 'text', (c) => c.primaryKey())
      /** The MDS3 metadata BLOB payload entry, as JSON. */
      .addColumn('entry', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('mds_entries').execute();
    await db.schema.dropTable('mds_blobs').execute();
    await db.schema.dropTable('attestation_policies').execute();
  },
};
