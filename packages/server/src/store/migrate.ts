import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import { initialSchema } from './migrations/0001-initial.js';
import { expiryIndexes } from './migrations/0002-expiry-indexes.js';
import { adoptionSchema } from './migrations/0003-adoption.js';
import { revokedConnectTokens } from './migrations/0003-cli-revoked-tokens.js';
import { healthProbe } from './migrations/0003-health-probe.js';
import { nativeApps } from './migrations/0004-native-apps.js';
import { passkeyLifecycle } from './migrations/0004-passkey-lifecycle.js';
import { attestationPolicySchema } from './migrations/0004-attestation-policy.js';
import { consoleSchema } from './migrations/0004-console.js';
import { opsSamples } from './migrations/0005-ops-samples.js';
import { userPrefixSearch } from './migrations/0005-user-prefix-search.js';
import type { Store } from './store.js';
import { classifyStoreFailure } from './store-unavailable.js';
import { MigrationError } from './store-errors.js';

export { MigrationError } from './store-errors.js';

/** Migrations in order. Names sort lexically; never rename or edit one that has shipped. */
function migrations(store: Store): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(store.dialect),
    '0002-expiry-indexes': expiryIndexes,
    '0003-adoption': adoptionSchema(store.dialect),
    '0003-cli-revoked-tokens': revokedConnectTokens,
    '0003-health-probe': healthProbe,
    '0004-native-apps': nativeApps,
    '0004-passkey-lifecycle': passkeyLifecycle,
    '0004-attestation-policy': attestationPolicySchema,
    '0004-console': consoleSchema,
    '0005-ops-samples': opsSamples,
    '0005-user-prefix-search': userPrefixSearch(store.dialect),
  };
}


/** Applies pending migrations; returns the names applied now (empty when up to date). */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations(store) },
    migrationTableName: 'latchkey_migrations',
    migrationLockTableName: 'latchkey_migrations_lock',
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  // The database being away is not a migration fault: report it as what it is.
  if (result.error && classifyStoreFailure(result.error)) throw result.error;
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${String((result.error as Error).message ?? result.error)}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
