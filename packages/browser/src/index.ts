export { createLatchkey } from './create-latchkey.js';
export { fallbackReason } from './results/fallback-reason.js';
export type {
  AppendResult,
  CallOptions,
  Capabilities,
  DeleteResult,
  Failure,
  FailureReason,
  FallbackReason,
  Latchkey,
  LatchkeyOptions,
  ListResult,
  LoginOptions,
  LoginResult,
  LoginSuccess,
  Passkey,
} from './types.js';
