import type { Ctx } from '../../context.js';
import { redeemableConnectToken } from '../../connect-tokens/connect-tokens.js';
import type { Project } from '../../projects/project.js';
import { createProcess } from '../shared/processes.js';

export interface InitAppendResult {
  processId: string;
  expiresAt: number;
  appendAllowed: boolean;
}

/** Opens an append process for the user a `passkey-append` connect token names; the token is not spent yet. */
export async function initAppend(
  ctx: Ctx,
  project: Project,
  input: { connectToken: string; clientInfo?: unknown; userAgent?: string },
): Promise<InitAppendResult> {
  const token = await redeemableConnectToken(ctx, project.id, input.connectToken, 'passkey-append');
  const process = await createProcess(ctx, {
    projectId: project.id,
    kind: 'append',
    userId: token.user_id,
    connectTokenId: token.id,
    clientInfo: input.clientInfo,
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
  });
  // Latchkey has no per-device append policy yet: a valid token always allows appending.
  return { processId: process.id, expiresAt: process.expires_at, appendAllowed: true };
}
