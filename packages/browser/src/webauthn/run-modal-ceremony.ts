import { abortedFailure } from '../results/failure.js';
import type { Failure } from '../types.js';
import { cancel, runCeremony } from './ceremony-coordinator.js';
import { ceremonyFailure } from './ceremony-failure.js';

/**
 * The browser's dialog for a login (`get`) or an append (`create`): cancelled when `signal` aborts
 * (only while this call still owns the browser request), and whatever the browser throws turned
 * into the Failure a page acts on.
 */
export async function runModalCeremony<T>(signal: AbortSignal | undefined, kind: 'create' | 'get', start: () => Promise<T>): Promise<{ ok: true; value: T } | Failure> {
  const me = {};
  const onAbort = (): void => cancel(me);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) return abortedFailure();
    return { ok: true, value: await runCeremony(me, start) };
  } catch (error) {
    return ceremonyFailure(error, kind);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
