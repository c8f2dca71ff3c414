import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import type { Plain } from '../http/frontend-operations.js';
import { postFrontend } from '../http/post-frontend.js';
import { abortedFailure, failure, invalidResponse, notAllowed } from '../results/failure.js';
import { isPasskey, isRecord } from '../results/shape.js';
import type { AppendResult, Config, Passkey } from '../types.js';
import { beginModal } from '../webauthn/ceremony-coordinator.js';
import { splitPrf, withPrf, type PrfInputs } from '../webauthn/prf.js';
import { runModalCeremony } from '../webauthn/run-modal-ceremony.js';
import { signalCredentials } from '../webauthn/signal-credentials.js';
import { refusedBy, type AppendInit } from './init-append.js';
import { reportFailure } from './report-failure.js';

/**
 * The rest of an append once `append/init` answered: `append/start` → the browser's create dialog
 * (or, for conditional create, no dialog) → `append/finish`, which alone spends the connect token.
 * Reports the conditional-create outcome, and cancellations and errors, as client events.
 */
export async function completeAppend(config: Config, init: AppendInit, conditional: boolean, signal: AbortSignal | undefined, prf?: PrfInputs | true): Promise<AppendResult> {
  const result = await completeOnce(config, init, conditional, signal, prf);
  if (conditional) {
    const outcome = result.ok ? 'created' : result.reason === 'unsupported' ? 'unsupported' : 'failed';
    config.events.report([{ type: 'conditional-create', processId: init.processId, result: outcome, ...(result.ok ? {} : { reason: result.code ?? result.reason }) }]);
  } else if (!result.ok) {
    reportFailure(config, result, 'append');
  }
  return result;
}

async function completeOnce(config: Config, init: AppendInit, conditional: boolean, signal: AbortSignal | undefined, prf: PrfInputs | true | undefined): Promise<AppendResult> {
  const { processId } = init;
  if (refusedBy(init.decisionTags)) return notAllowed('append', init.decisionTags);
  if (conditional && !init.conditionalCreate) {
    return failure('unsupported', 'conditional create is not allowed for this project or this browser', { decisionTags: init.decisionTags });
  }
  const end = beginModal();
  try {
    if (signal?.aborted) return abortedFailure();
    const start = await postFrontend(config, '/append/start', conditional ? { processId, conditional: true } : { processId }, signal);
    if (!start.ok) return start.code === 'append_not_allowed' ? { ...notAllowed('append', init.decisionTags), ...pick(start) } : start;
    if (!isRecord(start.body.attestationOptions)) return invalidResponse('append/start without attestationOptions', start.status);
    const options = withPrf(start.body.attestationOptions as unknown as PublicKeyCredentialCreationOptionsJSON, prf);

    const ceremony = await runModalCeremony(signal, 'create', () => startRegistration({ optionsJSON: options, useAutoRegister: conditional }));
    if (!ceremony.ok) return ceremony;

    // PRF outputs (where the authenticator evaluates at creation) stay on the page.
    const { response: attestationResponse, prf: prfOutputs } = splitPrf(ceremony.value);
    const finish = await postFrontend(config, '/append/finish', { processId, attestationResponse: attestationResponse as Plain<typeof attestationResponse> }, signal);
    if (!finish.ok) return finish;
    if (!isPasskey(finish.body.passkey)) return invalidResponse('append/finish without passkey', finish.status);
    signalCredentials(finish.body.signals);
    return { ok: true, passkey: finish.body.passkey as Passkey, ...(prfOutputs ? { prf: prfOutputs } : {}) };
  } finally {
    end();
  }
}

function pick(failure: { code?: string; status?: number; requestId?: string }): { code?: string; status?: number; requestId?: string } {
  return {
    ...(failure.code === undefined ? {} : { code: failure.code }),
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
  };
}
