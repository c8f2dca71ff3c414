import type { Config } from './config/config.js';
import type { Ctx } from './context.js';
import { PolicyCache } from './adoption/policy/policy-cache.js';
import { EventQueue, type EventQueueOptions } from './events/event-queue.js';
import { SigningKeyCache } from './keys/signing-key-cache.js';
import { ProjectCache } from './projects/project-cache.js';
import type { Store } from './store/store.js';
import { systemClock, type Clock } from './util/clock.js';

/**
 * What every request and command works with: the store, the clock and the per-process caches.
 * Its own module, apart from server.ts, so that a CLI command (`latchkey project list`) does not
 * load the HTTP server (fastify, SimpleWebAuthn, the console) just to open the store: that load
 * was most of each command's start-up time.
 */
export function createContext(
  config: Pick<Config, 'keyEncryptionKey'>,
  store: Store,
  clock: Clock = systemClock,
  options: { events?: EventQueueOptions } = {},
): Ctx {
  return {
    store,
    clock,
    keyEncryptionKey: config.keyEncryptionKey,
    signingKeys: new SigningKeyCache(config.keyEncryptionKey),
    policies: new PolicyCache(),
    projects: new ProjectCache(),
    ...(options.events ? { events: new EventQueue(store, options.events) } : {}),
  };
}
