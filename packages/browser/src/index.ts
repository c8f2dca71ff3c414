export { createLatchkey } from './create-latchkey.js';
export { platformFamily, type BrowserFamily, type OsFamily } from './client-info/platform-family.js';
export { fallbackReason } from './results/fallback-reason.js';
export type {
  AppendOffer,
  AppendOfferResult,
  AppendOptions,
  AppendResult,
  CallOptions,
  Capabilities,
  ClientEvent,
  ClientInfo,
  DeleteResult,
  DismissResult,
  ErrorCode,
  Failure,
  FailureReason,
  LastAccount,
  FallbackReason,
  Latchkey,
  LatchkeyOptions,
  ListResult,
  LoginDecision,
  LoginDecisionResult,
  LoginOptions,
  LoginResult,
  LoginSuccess,
  Passkey,
} from './types.js';
