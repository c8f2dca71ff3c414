export { createLatchkey } from './create-latchkey.js';
export type {
  AppendResult,
  CallOptions,
  Capabilities,
  DeleteResult,
  Failure,
  FailureReason,
  Latchkey,
  LatchkeyOptions,
  ListResult,
  LoginOptions,
  LoginResult,
  LoginSuccess,
  Passkey,
} from './types.js';
