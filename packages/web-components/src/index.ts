import { defineLatchkeyElements } from './define.js';

// Importing the package registers <latchkey-login>, <latchkey-append> and <latchkey-passkey-list>.
defineLatchkeyElements();

export { defineLatchkeyElements } from './define.js';
export { LatchkeyLogin, type LoginStrings } from './login/latchkey-login.js';
export { LatchkeyAppend, type AppendStrings } from './append/latchkey-append.js';
export { LatchkeyPasskeyList, type PasskeyListStrings } from './passkey-list/latchkey-passkey-list.js';
export type { ConnectTokenType, TokenProvider } from './base/token-provider.js';
export type {
  AppendCompleteDetail,
  AppendDismissDetail,
  AppendOfferDetail,
  FallbackReason,
  LatchkeyFallbackDetail,
  LoginCompleteDetail,
  PasskeyListCompleteDetail,
} from './base/events.js';
