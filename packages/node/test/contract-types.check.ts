/**
 * Type-level test, compiled by `npm run typecheck` and `npm test` (tsconfig.test.json): every wire
 * type the SDK exports is the contract's (src/generated/api-types.ts, generated from the server's
 * route schemas by `npm run contract`). An alias must be exactly the wire type; a narrowed answer
 * must still accept what the server sends; a request type must be something the server accepts.
 * When the server changes a shape, the regenerated file makes this file stop compiling until the
 * SDK follows.
 */
import type { components, operations } from '../src/generated/api-types.js';
import type * as Sdk from '../src/index.js';

type Wire = components['schemas'];
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Fits<A, B> = [A] extends [B] ? true : false;
type Assert<T extends true> = T;
type Answer<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = operations[Op]['responses'][Status] extends { content: { 'application/json': infer Body } } ? Body : never;
type Body<Op extends keyof operations> = operations[Op]['requestBody'] extends { content: { 'application/json': infer B } } ? B : never;
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export type Checks = [
  // Answers the SDK hands on as they are: exactly the wire type.
  Assert<Equal<Sdk.ErrorCode, Wire['ErrorCode']>>,
  Assert<Equal<Sdk.User, Wire['User']>>,
  Assert<Equal<Sdk.Passkey, Wire['Passkey']>>,
  Assert<Equal<Sdk.ConnectToken, Wire['ConnectToken']>>,
  Assert<Equal<Sdk.CreatedConnectToken, Wire['CreatedConnectToken']>>,
  Assert<Equal<Sdk.ConnectTokenType, Wire['ConnectToken']['type']>>,
  Assert<Equal<Sdk.ConnectTokenStatus, Wire['ConnectToken']['status']>>,
  Assert<Equal<Sdk.VerificationResult, Wire['VerificationResult']>>,
  Assert<Equal<Sdk.PasskeyEventType, Wire['PasskeyEventType']>>,
  Assert<Equal<Sdk.Policy, Wire['AdoptionPolicy']>>,
  Assert<Equal<Sdk.Policy, Answer<'getAdoptionPolicy', 200>>>,
  Assert<Equal<Sdk.Funnel, Answer<'getAdoptionFunnel', 200>>>,
  Assert<Equal<Sdk.UserPage['users'], Answer<'listUsers', 200>['users']>>,
  Assert<Equal<Sdk.Page['nextCursor'], Answer<'listUsers', 200>['nextCursor']>>,
  Assert<Equal<Sdk.CreatedConnectToken, Answer<'createConnectToken', 201>>>,
  // Answers the SDK narrows: every answer the server sends still reads as the SDK's type.
  Assert<Fits<Sdk.VerifySignedDataResult, Wire['VerifySignedDataResult']>>,
  Assert<Equal<Sdk.VerifySignedDataResult['verificationResult'], Wire['VerifySignedDataResult']['verificationResult']>>,
  Assert<Fits<Wire['PasskeyEvent'], Sdk.PasskeyEvent>>,
  Assert<Equal<Omit<Sdk.PasskeyEvent, 'type'>, Omit<Wire['PasskeyEvent'], 'type'>>>,
  Assert<Fits<Answer<'listPasskeyEvents', 200>, Sdk.PasskeyEventPage>>,
  Assert<Fits<Wire['ErrorCode'], Sdk.LatchkeyApiError['code']>>,
  // Requests: exactly what the server takes, or a part of it.
  Assert<Equal<Sdk.AppendTokenData, Body<'createConnectToken'>['data']>>,
  Assert<Fits<Sdk.ManageTokenData, Body<'createConnectToken'>['data']>>,
  Assert<Equal<Sdk.PolicyUpdate, Body<'updateAdoptionPolicy'>>>,
  Assert<Equal<Sdk.AdoptionEventType, Wire['ClientEventType']>>,
  Assert<Equal<Omit<Sdk.AdoptionEvent, 'osFamily'>, Omit<Body<'recordBackendEvents'>['events'][number], 'osFamily'>>>,
  Assert<Fits<Sdk.AdoptionEvent, Body<'recordBackendEvents'>['events'][number]>>,
  Assert<Fits<Sdk.PasswordLogin & { type: 'password-login' }, Body<'recordBackendEvents'>['events'][number]>>,
  Assert<Fits<Sdk.VerifySignedDataOptions, Partial<Body<'verifySignedData'>>>>,
  Assert<Equal<Sdk.ListUsersOptions, Pick<Query<'listUsers'>, 'cursor' | 'limit'>>>,
  Assert<Equal<Sdk.ListPasskeyEventsOptions, Query<'listPasskeyEvents'>>>,
  Assert<Equal<Sdk.FunnelOptions, Query<'getAdoptionFunnel'>>>,
];
