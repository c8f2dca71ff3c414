export { createClient, type LatchkeyClient } from './client/create-client.js';
export type { ClientOptions, LocalJwksCheckOptions } from './client/options.js';
export { LatchkeyError } from './errors/latchkey-error.js';
export { LatchkeyApiError } from './errors/latchkey-api-error.js';
export { LatchkeyNetworkError } from './errors/latchkey-network-error.js';
export { LatchkeyTimeoutError } from './errors/latchkey-timeout-error.js';
export { LatchkeyConfigError, type LatchkeyConfigErrorCode } from './errors/latchkey-config-error.js';
export { SDK_VERSION } from './version.js';
export type {
  AppendTokenData,
  ConnectToken,
  ConnectTokenStatus,
  ConnectTokenType,
  CreatedConnectToken,
  ErrorCode,
  ListPasskeyEventsOptions,
  ListUsersOptions,
  ManageTokenData,
  Page,
  Passkey,
  PasskeyEvent,
  PasskeyEventPage,
  PasskeyEventType,
  PasskeyIcon,
  PasskeyProvider,
  User,
  UserPage,
  UserUpdate,
  VerificationRefusal,
  VerificationResult,
  VerifySignedDataOptions,
  VerifySignedDataResult,
} from './types/api.js';
export type {
  AdoptionEvent,
  AdoptionEventType,
  Funnel,
  FunnelOptions,
  FunnelRow,
  OsFamily,
  PasswordLogin,
  Policy,
  PolicyUpdate,
} from './types/adoption.js';
