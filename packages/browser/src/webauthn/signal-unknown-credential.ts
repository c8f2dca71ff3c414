/**
 * Tell the browser that a passkey is unknown to the server (WebAuthn Signal API), so the passkey
 * provider can hide or remove it instead of offering it again. Best effort: browsers without the
 * API, and any error it raises, are ignored.
 */
export async function signalUnknownCredential(rpId: string, credentialId: string): Promise<void> {
  const api = (globalThis as { PublicKeyCredential?: { signalUnknownCredential?: (options: { rpId: string; credentialId: string }) => Promise<void> } }).PublicKeyCredential;
  if (typeof api?.signalUnknownCredential !== 'function') return;
  try {
    await api.signalUnknownCredential({ rpId, credentialId });
  } catch {
    // Nothing to do: the failure the caller reports is the server's, not this.
  }
}
