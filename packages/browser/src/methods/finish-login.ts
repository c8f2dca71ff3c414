import type { AuthenticationResponseJSON } from '@simplewebauthn/browser';
import type { Plain } from '../http/frontend-operations.js';
import { postFrontend } from '../http/post-frontend.js';
import { rememberLastAccount } from '../one-tap/last-account.js';
import { invalidResponse, notAllowed } from '../results/failure.js';
import { isRecord } from '../results/shape.js';
import type { Config, LoginResult } from '../types.js';
import type { PrfOutputs } from '../webauthn/prf.js';
import { signalCredentials } from '../webauthn/signal-credentials.js';
import { signalUnknownCredential } from '../webauthn/signal-unknown-credential.js';

export interface FinishLoginInput {
  processId: string;
  assertion: AuthenticationResponseJSON;
  isConditionalUI: boolean;
  rpId: string;
  /**
   * Whether an `unknown_credential` answer proves the passkey is gone from the project. True for
   * autofill (the credential is looked up project-wide) and for a login whose passkey the server had
   * listed in `allowCredentials` (it was deleted meanwhile). False when an authenticator returned a
   * passkey the server never listed: it may be another user's, and must not be hidden.
   */
  signalIfUnknown: boolean;
  decisionTags: string[];
  /** login/init said the project allows one-tap: remember the account on success. */
  oneTap: boolean;
  /** The PRF outputs, already stripped from `assertion`: handed to the page on success only. */
  prf?: PrfOutputs | undefined;
}

export async function finishLogin(config: Config, input: FinishLoginInput, signal?: AbortSignal): Promise<LoginResult> {
  const answer = await postFrontend(
    config,
    '/login/finish',
    { processId: input.processId, assertionResponse: input.assertion as Plain<AuthenticationResponseJSON>, isConditionalUI: input.isConditionalUI },
    signal,
  );
  if (!answer.ok) {
    // Policy changed between init and finish (kill switch, rollout): the page falls back as for
    // any refusal by policy. The message names the tag.
    if (answer.code === 'login_not_allowed') {
      const tags = ['login-kill-switch', 'rollout-excluded', 'platform-denied', 'webauthn-unavailable'].filter((tag) => answer.message.includes(tag));
      return { ...notAllowed('login', tags), code: answer.code, ...(answer.status === undefined ? {} : { status: answer.status }) };
    }
    if (answer.reason === 'serverError' && answer.code === 'unknown_credential' && input.signalIfUnknown) {
      await signalUnknownCredential(input.rpId, input.assertion.id);
    }
    return answer;
  }
  const { signedPasskeyData, passkeyOperation } = answer.body;
  if (typeof signedPasskeyData !== 'string' || !isRecord(passkeyOperation)) return invalidResponse('login/finish without signedPasskeyData', answer.status);
  const { identifier, credentialId, userId } = passkeyOperation;
  if (typeof identifier !== 'string' || typeof credentialId !== 'string' || typeof userId !== 'string') {
    return invalidResponse('login/finish without passkeyOperation', answer.status);
  }
  if (input.oneTap) rememberLastAccount(config.projectId, identifier);
  // The user's current names: the app may have renamed the account since the passkey was made.
  signalCredentials(answer.body.signals);
  return {
    ok: true,
    signedPasskeyData,
    identifier,
    credentialId,
    userId,
    isConditionalUI: input.isConditionalUI,
    decisionTags: input.decisionTags,
    ...(input.prf ? { prf: input.prf } : {}),
  };
}

/** The RP ID a signal must name: the one in the options, else this page's host (WebAuthn's default). */
export function rpIdOf(options: { rpId?: string }): string {
  return options.rpId ?? globalThis.location.hostname;
}
