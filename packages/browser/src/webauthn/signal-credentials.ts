import { isRecord } from '../results/shape.js';

type SignalApi = {
  signalAllAcceptedCredentials?: (options: { rpId: string; userId: string; allAcceptedCredentialIds: string[] }) => Promise<void>;
  signalCurrentUserDetails?: (options: { rpId: string; userId: string; name: string; displayName: string }) => Promise<void>;
};

/**
 * Keeps password managers in step with Latchkey (WebAuthn Signal API), from the `signals` a
 * frontend answer carries: the user's current names (`signalCurrentUserDetails`, so a renamed
 * account shows its new name) and, where the answer lists them, every passkey Latchkey still
 * accepts (`signalAllAcceptedCredentials`, so deleted ones disappear from the provider).
 *
 * Best effort and never in the way: only where the browser has the method, without waiting for
 * it, and whatever it throws or rejects with is swallowed (no unhandled rejection).
 */
export function signalCredentials(signals: unknown): void {
  if (!isRecord(signals)) return;
  const { rpId, userHandle: userId, name, displayName, acceptedCredentialIds } = signals;
  const api = (globalThis as { PublicKeyCredential?: SignalApi }).PublicKeyCredential;
  if (!api || typeof rpId !== 'string' || typeof userId !== 'string') return;
  const { signalAllAcceptedCredentials: all, signalCurrentUserDetails: details } = api;
  if (typeof all === 'function' && Array.isArray(acceptedCredentialIds) && acceptedCredentialIds.every((id) => typeof id === 'string')) {
    bestEffort(() => all.call(api, { rpId, userId, allAcceptedCredentialIds: acceptedCredentialIds as string[] }));
  }
  if (typeof details === 'function' && typeof name === 'string' && typeof displayName === 'string') {
    bestEffort(() => details.call(api, { rpId, userId, name, displayName }));
  }
}

/** Calls a signal without waiting for it; a synchronous throw or a rejection goes nowhere. */
function bestEffort(call: () => unknown): void {
  try {
    const pending = call();
    if (pending instanceof Promise) pending.catch(() => {});
  } catch {
    // A browser whose signal throws at once (an older shape of the API): nothing to do.
  }
}
