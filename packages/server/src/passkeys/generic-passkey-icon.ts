/**
 * The icon of a passkey whose provider's icon Latchkey does not have: a plain key drawn for
 * Latchkey (no one's logo), one for light and one for dark backgrounds. Every passkey in the API
 * has an icon, so a list never has holes; `icon.source` is `generic` for this one.
 */
const svg = (stroke: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="${stroke}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">` +
  '<circle cx="7.5" cy="12" r="4.5"/><circle cx="7.5" cy="12" r="1.25"/><path d="M12 12h10M18.5 12v3.5M21.5 12v2.5"/></svg>';

const dataUri = (text: string) => `data:image/svg+xml;base64,${Buffer.from(text).toString('base64')}`;

export const GENERIC_PASSKEY_ICON = {
  /** Dark grey strokes, for light backgrounds. */
  light: dataUri(svg('#4a4f57')),
  /** Light grey strokes, for dark backgrounds. */
  dark: dataUri(svg('#d0d4da')),
} as const;
