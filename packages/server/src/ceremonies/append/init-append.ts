import { readClientInfo } from '../../adoption/client-info.js';
import { decideAppend } from '../../adoption/decisions/decide-append.js';
import type { DecisionTag } from '../../adoption/decisions/tags.js';
import type { Ctx } from '../../context.js';
import { redeemableConnectToken } from '../../connect-tokens/connect-tokens.js';
import type { Project } from '../../projects/project.js';
import { createProcess } from '../shared/processes.js';

export interface InitAppendResult {
  processId: string;
  expiresAt: number;
  appendAllowed: boolean;
  decisionTags: DecisionTag[];
  conditionalCreate: boolean;
  nextOfferAt: number | null;
}

/**
 * Opens an append process for the user a `passkey-append` connect token names (the token is not
 * spent yet) and answers whether the page should offer a passkey now, with the reasons.
 */
export async function initAppend(
  ctx: Ctx,
  project: Project,
  input: { connectToken: string; clientInfo?: unknown; userAgent?: string },
): Promise<InitAppendResult> {
  const facts = readClientInfo(input.clientInfo);
  const token = await redeemableConnectToken(ctx, project.id, input.connectToken, 'passkey-append');
  const policy = await ctx.policies.get(ctx, project.id);
  const decision = await decideAppend(ctx, policy, { projectId: project.id, userId: token.user_id, facts });
  const process = await createProcess(ctx, {
    projectId: project.id,
    kind: 'append',
    userId: token.user_id,
    connectTokenId: token.id,
    clientInfo: input.clientInfo,
    facts,
    conditionalCreate: decision.conditionalCreate,
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
  });
  return { processId: process.id, expiresAt: process.expires_at, ...decision };
}
