import type { Failure, LoginSuccess, Passkey } from '@latchkey/browser';

/** Why `<latchkey-login>` hands over to the page's own login form. */
export type FallbackReason = 'noPasskey' | 'cancelled' | 'unsupported' | 'timeout';

export interface LatchkeyFallbackDetail {
  reason: FallbackReason;
  /** What the user typed, so the page can prefill its own form. */
  identifier: string;
  message: string;
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
  /** The id (`cre-…`) of the passkey just deleted. */
  deleted: string;
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
