import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { readClientInfo } from '../../adoption/client-info.js';
import { decideLogin } from '../../adoption/decisions/decide-login.js';
import type { DecisionTag } from '../../adoption/decisions/tags.js';
import type { Ctx } from '../../context.js';
import type { Project } from '../../projects/project.js';
import { insertChallenge, newChallenge } from '../shared/challenges.js';
import { PROCESS_TTL, WEBAUTHN_TIMEOUT_MS } from '../shared/lifetimes.js';
import { insertProcess, newProcess } from '../shared/processes.js';
import { writeTogether } from '../../store/write-together.js';

export interface InitLoginResult {
  processId: string;
  expiresAt: number;
  loginAllowed: boolean;
  decisionTags: DecisionTag[];
  /** The project lets the browser remember the last account on the device. */
  oneTap: boolean;
  conditionalUIChallenge: PublicKeyCredentialRequestOptionsJSON;
}

/**
 * Opens a login process and, with it, the challenge for passkey autofill (Conditional UI): that
 * dialog may wait as long as the login page is open, so this challenge lives as long as the process.
 */
export async function initLogin(ctx: Ctx, project: Project, input: { clientInfo?: unknown; userAgent?: string }): Promise<InitLoginResult> {
  const facts = readClientInfo(input.clientInfo);
  const policy = await ctx.policies.get(ctx, project.id);
  const decision = decideLogin(policy, project.id, facts);
  const process = newProcess(ctx, {
    projectId: project.id,
    kind: 'login',
    clientInfo: input.clientInfo,
    facts,
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
  });
  const challenge = newChallenge(ctx, { projectId: project.id, processId: process.id, kind: 'login-cui', ttl: PROCESS_TTL });
  // The process and its challenge: one commit (one statement on PostgreSQL; see writeTogether).
  await writeTogether(ctx, () => [insertProcess.compiled(ctx, { ...process }), insertChallenge.compiled(ctx, { ...challenge.row })]);
  const options = await generateAuthenticationOptions({
    rpID: project.rpId,
    challenge: challenge.bytes,
    allowCredentials: [],
    userVerification: 'required',
    timeout: WEBAUTHN_TIMEOUT_MS,
  });
  return {
    processId: process.id,
    expiresAt: process.expires_at,
    ...decision,
    oneTap: policy.oneTap,
    conditionalUIChallenge: { ...options, allowCredentials: [] },
  };
}
