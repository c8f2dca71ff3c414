/**
 * What the person sees when Latchkey does not answer `success`. The app treats every one of these
 * the same way (no session), but says which it was: it helps people and the people who support them.
 */
export const REFUSAL_MESSAGES: Record<string, string> = {
  invalidSignature: 'This passkey login could not be verified: its signature is not valid. Nothing was logged in.',
  expired: 'This passkey login took too long and has expired. Please try again.',
  alreadyUsed: 'This passkey login was already used once. Please log in again.',
  usernameMismatch: 'This passkey belongs to another account than the e-mail address you typed.',
  projectMismatch: 'This passkey login was made for another site.',
};

export const refusalMessage = (result: string): string => REFUSAL_MESSAGES[result] ?? `Latchkey refused this passkey login (${result}).`;
