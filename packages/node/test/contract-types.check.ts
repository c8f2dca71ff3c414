/**
 * Compile-time checks, run by `npm run typecheck`: the SDK's narrowed types still fit the wire
 * shapes of the contract (src/generated/api-types.ts, from the server's route schemas). When the
 * server changes a shape, `npm run contract` regenerates that file and this file stops compiling
 * until the SDK's types follow.
 */
import type { components, operations } from '../src/generated/api-types.js';
import type { PasskeyEvent, PasskeyEventPage, UserPage, VerifySignedDataResult } from '../src/types/api.js';

type Wire = components['schemas'];
type Fits<Narrow extends Wide, Wide> = Narrow;
type Json<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = operations[Op]['responses'][Status] extends { content: { 'application/json': infer Body } } ? Body : never;

export type Checks = [
  Fits<VerifySignedDataResult, Wire['VerifySignedDataResult']>,
  Fits<Wire['VerifySignedDataResult'], { verificationResult: VerifySignedDataResult['verificationResult']; userID: string; username: string }>,
  Fits<PasskeyEvent, Wire['PasskeyEvent']>,
  Fits<Wire['PasskeyEvent'], PasskeyEvent>,
  Fits<UserPage, Json<'listUsers', 200>>,
  Fits<Json<'listUsers', 200>, UserPage>,
  Fits<PasskeyEventPage, Json<'listPasskeyEvents', 200>>,
];
