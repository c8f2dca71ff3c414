import { afterEach, expect, it } from 'vitest';
import { EventQueue } from '../../src/events/event-queue.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openStore, type Store } from '../../src/store/store.js';
import { freshDatabase, type TestDatabase } from '../helpers/test-store.js';

/**
 * A success is written after the refusals its instance queued before it (docs/operations.md, "The
 * audit trail"). Those waiting for a write that is already under way count too: a success that
 * looked only at the queue could overtake them on another PostgreSQL connection.
 */

let database: TestDatabase | undefined;
let store: Store | undefined;

afterEach(async () => {
  await store?.close();
  await database?.drop();
  database = store = undefined;
});

it('counts the refusals whose write is under way as not yet written, until their write has committed', async () => {
  database = await freshDatabase();
  store = openStore(database.url);
  await migrateToLatest(store);
  const queue = new EventQueue(store, { flushMs: 10 });
  queue.enqueue({ project_id: 'pro-x', user_id: null, type: 'token-refused', credential_id: null, process_id: null, detail: '{}', created_at: 1 });
  const written = queue.flush();
  // Microtasks only: the write takes its rows from the queue, and its commit (a group commit, after
  // this turn of the event loop) cannot have happened yet.
  while ((queue as unknown as { pending: unknown[] }).pending.length > 0) await Promise.resolve();
  expect(queue.size).toBe(1);
  await written;
  expect(queue.size).toBe(0);
  expect(await store.db.selectFrom('passkey_events').select('type').execute()).toEqual([{ type: 'token-refused' }]);
});
