/**
 * The store's error classes, in a module of their own: the CLI's failure reporting checks for them
 * on every command, and importing them from store.ts / migrate.ts would load Kysely and both
 * database drivers just to print `latchkey --version`.
 */
export class StoreUrlError extends Error {
  override readonly name = 'StoreUrlError';
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}
