import type { Store } from '../store/store.js';

/** How many AAGUIDs' icons one process keeps per store, and for how long (another instance may import a new BLOB). */
const MAX_ENTRIES = 512;
const TTL_MS = 10 * 60_000;

interface Cached {
  icon: string | undefined;
  expiresAt: number;
}

/**
 * A bounded, per-store cache of MDS icons by AAGUID (absent icons too: most passkeys have none).
 * Map insertion order gives least-recently-used eviction: a hit is re-inserted at the end.
 */
export class MdsIconCache {
  private readonly entries = new Map<string, Cached>();

  get(aaguid: string, nowMs: number): Cached | undefined {
    const hit = this.entries.get(aaguid);
    if (!hit) return undefined;
    this.entries.delete(aaguid);
    if (hit.expiresAt <= nowMs) return undefined;
    this.entries.set(aaguid, hit);
    return hit;
  }

  set(aaguid: string, icon: string | undefined, nowMs: number): void {
    this.entries.delete(aaguid);
    this.entries.set(aaguid, { icon, expiresAt: nowMs + TTL_MS });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** One cache per store (tests and tools run several stores in one process). */
const caches = new WeakMap<Store, MdsIconCache>();

export function mdsIconCacheOf(store: Store): MdsIconCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new MdsIconCache()));
  return cache;
}
