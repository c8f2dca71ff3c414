/**
 * Lookups into the contract (src/generated/api-types.ts, generated from the server's route schemas
 * by `npm run contract`): every wire type of the SDK is one of these, or a Pick/Omit of one.
 */
import type { components, operations } from '../generated/api-types.js';

/** The shapes named under components/schemas (Passkey, User, ErrorCode, …). */
export type Wire = components['schemas'];

/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> = operations[Op]['requestBody'] extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body an operation answers with `Status`. */
export type ResponseBody<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = operations[Op]['responses'][Status] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

/** An operation's query parameters. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
