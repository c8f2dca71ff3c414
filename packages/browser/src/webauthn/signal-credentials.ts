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
  const { rpId, userHandle, name, displayName, acceptedCredentialIds } = signals;
  if (typeof rpId !== 'string' || typeof userHandle !== 'string') return;
  const api = (globalThis as { PublicKeyCredential?: SignalApi }).PublicKeyCredential;
  if (!api) return;
  if (Array.isArray(acceptedCredentialIds) && acceptedCredentialIds.every((id) => typeof id === 'string')) {
    bestEffort(() => api.signalAllAcceptedCredentials?.({ rpId, userId: userHandle, allAcceptedCredentialIds: acceptedCredentialIds as string[] }), typeof api.signalAllAcceptedCredentials);
  }
  if (typeof name === 'string' && typeof displayName === 'string') {
    bestEffort(() => api.signalCurrentUserDetails?.({ rpId, userId: userHandle, name, displayName }), typeof api.signalCurrentUserDetails);
  }
}

function bestEffort(call: () => Promise<void> | undefined, kind: string): void {
  if (kind !== 'function') return;
  try {
    const pending = call();
    if (pending && typeof pending.then === 'function') pending.then(undefined, () => {});
  } catch {
    // A browser that throws synchronously (an older shape of the API): nothing to do.
  }
}
