import type { Logger } from 'pino';
import type { PolicyCache } from './adoption/policy/policy-cache.js';
import type { EventQueue } from './events/event-queue.js';
import type { ProjectCache } from './projects/project-cache.js';
import type { SigningKeyCache } from './keys/signing-key-cache.js';
import type { Store } from './store/store.js';
import type { Clock } from './util/clock.js';

/**
 * What every service function receives. Nothing in it is per-user state: the store holds all of
 * that, so several instances can share one database.
 */
export interface Ctx {
  store: Store;
  clock: Clock;
  /** 32 bytes that encrypt signing keys' private parts at rest, when configured. */
  keyEncryptionKey: Uint8Array | undefined;
  /** Imported key objects by kid: immutable data, so caching them per process is safe. */
  signingKeys: SigningKeyCache;
  /** Adoption policies, cached for seconds per instance (see policy-cache.ts). */
  policies: PolicyCache;
  /** Project rows, reused for at most 2 s per instance (see project-cache.ts). */
  projects: ProjectCache;
  /** The server's write-behind queue for refusal events (absent in the CLI: written at once). */
  events?: EventQueue;
  log?: Logger;
}
