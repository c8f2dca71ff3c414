import type { Passkey } from '@latchkey/browser';

/** A date (Unix seconds) in the page's language, e.g. "Jan 3, 2026" (with the time: "Jan 3, 2026, 2:10 PM"). */
export function formatDate(seconds: number, locale: string | undefined, withTime = false): string {
  return new Intl.DateTimeFormat(locale, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(new Date(seconds * 1000));
}

/** The provider's name from the AAGUID (iCloud Keychain, Google Password Manager, …), if known. */
export function providerName(passkey: Passkey): string | undefined {
  const name = passkey.provider?.name ?? passkey.authenticatorName;
  return name && name.trim() !== '' ? name : undefined;
}

/** What a passkey is called on screen: the user's label, else its provider, else `fallback`. */
export function passkeyName(passkey: Passkey, fallback: string): string {
  return passkey.name || providerName(passkey) || fallback;
}

/** The label rules the server applies (trimmed, 1–64 code points, no control characters), checked before asking. */
export function labelProblem(label: string): boolean {
  const trimmed = label.normalize('NFC').trim();
  const length = [...trimmed].length;
  return length < 1 || length > 64 || /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u.test(trimmed);
}
