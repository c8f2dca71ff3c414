/** Where the device id lives. Contract: 22 base64url characters (16 random bytes). */
export const DEVICE_ID_KEY = 'latchkey:device-id';
const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * A random id for this browser profile, made once and kept in localStorage, so the server can say
 * "declined recently on this device" or "this device already has a passkey". It is NOT a
 * fingerprint: it is derived from nothing about the device, and clearing site data resets it.
 * Undefined where storage is unavailable (private modes, blocked storage): decisions then ignore
 * the device.
 */
export function deviceId(): string | undefined {
  try {
    const storage = globalThis.localStorage;
    const kept = storage.getItem(DEVICE_ID_KEY);
    if (kept !== null && DEVICE_ID.test(kept)) return kept;
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    storage.setItem(DEVICE_ID_KEY, id);
    return id;
  } catch {
    return undefined;
  }
}
