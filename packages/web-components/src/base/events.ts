import type { Failure, FallbackReason, LoginSuccess, Passkey } from '@latchkey/browser';

/**
 * Why `<latchkey-login>` hands over to the page's own login form (the SDK's `FallbackReason`):
 * `noPasskey`, `cancelled`, `unsupported`, `timeout`, `unavailable` (Latchkey down or failing) or
 * `misconfigured` (Latchkey refused this page; a `latchkey-error` with the details follows).
 */
export type { FallbackReason };

export interface LatchkeyFallbackDetail {
  reason: FallbackReason;
  /** What the user typed (empty when autofill failed before anything was typed), to prefill the page's own form. */
  identifier: string;
  /** For logs and developers; for `misconfigured` it says what to change. */
  message: string;
  /** The server's error code, when there was one (e.g. `origin_not_allowed`, `store_unavailable`). */
  code?: Failure['code'];
  /** The server's request id, when there was one: quote it to the operator. */
  requestId?: string;
  /** For `notAllowed` (and a rollout's `noPasskey`): Latchkey's decision tags, e.g. `['login-kill-switch']`. */
  decisionTags?: string[];
}

/** `latchkey-complete` details, by element. */
export type LoginCompleteDetail = Omit<LoginSuccess, 'ok'>;
export interface AppendCompleteDetail {
  passkey: Passkey;
  /** True when the passkey came from an automatic upgrade (conditional create), with no dialog. */
  conditional?: boolean;
}
/** `latchkey-offer` (`<latchkey-append offer>`): what Latchkey decided about offering a passkey now. */
export interface AppendOfferDetail {
  offer: boolean;
  decisionTags: string[];
  conditionalCreate: boolean;
  nextOfferAt: number | null;
}
export interface AppendDismissDetail {
  nextOfferAt: number | null;
}
export interface PasskeyListCompleteDetail {
  /** After a delete: the id (`cre-…`) of the passkey just deleted. */
  deleted?: string;
  /** After a rename: the passkey as it is now (its `name` is the new label). */
  renamed?: Passkey;
}

declare global {
  interface HTMLElementEventMap {
    'latchkey-complete': CustomEvent<LoginCompleteDetail | AppendCompleteDetail | PasskeyListCompleteDetail>;
    'latchkey-fallback': CustomEvent<LatchkeyFallbackDetail>;
    'latchkey-error': CustomEvent<Failure>;
    'latchkey-offer': CustomEvent<AppendOfferDetail>;
    'latchkey-dismiss': CustomEvent<AppendDismissDetail>;
  }
}
