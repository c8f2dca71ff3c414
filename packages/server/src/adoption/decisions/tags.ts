/** The stable decision tags (docs/adoption.md documents each). */
export type DecisionTag =
  | 'login-kill-switch'
  | 'append-kill-switch'
  | 'rollout-excluded'
  | 'platform-denied'
  | 'webauthn-unavailable'
  | 'no-platform-authenticator'
  | 'declined-recently'
  | 'passkey-on-device'
  | 'cross-device-login'
  | 'capabilities-unknown'
  | 'conditional-create';

/** Tags that only inform: they never turn an answer into a "no". */
export const INFORMATIONAL: ReadonlySet<DecisionTag> = new Set(['cross-device-login', 'capabilities-unknown', 'conditional-create']);

export const refuses = (tags: DecisionTag[]): boolean => tags.some((t) => !INFORMATIONAL.has(t));
