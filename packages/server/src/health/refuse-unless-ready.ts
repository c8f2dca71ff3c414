import type { Ctx } from '../context.js';
import { EXIT, OperatorError } from '../errors/exit-codes.js';
import { explainStoreFault } from '../store/explain-store-fault.js';
import { checkReadiness } from './readiness.js';

/**
 * The readiness check, once, before `latchkey serve` listens: a store it cannot write (exit 4) or
 * a signing key it cannot open (exit 2) stops the start with one line that says what to fix.
 */
export async function refuseUnlessReady(ctx: Ctx): Promise<void> {
  const { ready, checks, cause } = await checkReadiness(ctx);
  if (ready) return;
  if (checks.store !== 'ok') throw explainStoreFault(cause, ctx.store.describe);
  const reason = cause instanceof Error ? cause.message : String(cause);
  throw new OperatorError(
    `${reason}; set it to the key the signing keys were encrypted with, or if that key is lost, replace each project's key with \`latchkey keys rotate --project ID\` (docs/operations.md)`,
    EXIT.config,
  );
}
