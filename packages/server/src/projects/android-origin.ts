/** The clientDataJSON origin an Android app's Credential Manager ceremony carries. */
export const ANDROID_ORIGIN_PREFIX = 'android:apk-key-hash:';

/**
 * `FA:C6:…` (the signing certificate's SHA-256, colon hex) → `android:apk-key-hash:<base64url>`,
 * the origin Android writes into clientDataJSON for an app signed with that certificate
 * (base64url without padding, as Credential Manager and Google Play services write it).
 */
export function androidOrigin(sha256CertFingerprint: string): string {
  return ANDROID_ORIGIN_PREFIX + Buffer.from(sha256CertFingerprint.replaceAll(':', ''), 'hex').toString('base64url');
}

/** The reverse, for messages: the colon-hex fingerprint of an Android origin, when it holds 32 bytes. */
export function fingerprintOfAndroidOrigin(origin: string): string | undefined {
  if (!origin.startsWith(ANDROID_ORIGIN_PREFIX)) return undefined;
  const encoded = origin.slice(ANDROID_ORIGIN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]{43}$/.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  return bytes.length === 32 ? [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':') : undefined;
}
