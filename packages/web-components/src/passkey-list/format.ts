import type { Passkey } from '@latchkey/browser';

/** A date (Unix seconds) in the page's language, e.g. "Jan 3, 2026" (with the time: "Jan 3, 2026, 2:10 PM"). */
export function formatDate(seconds: number, locale: string | undefined, withTime = false): string {
  return new Intl.DateTimeFormat(locale, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(new Date(seconds * 1000));
}

export function passkeyName(passkey: Passkey, fallback: string): string {
  return passkey.authenticatorName && passkey.authenticatorName.trim() !== '' ? passkey.authenticatorName : fallback;
}
