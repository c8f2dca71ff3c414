import { browserSupportsWebAuthn, startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { postFrontend } from '../http/post-frontend.js';
import { abortedFailure, failure, invalidResponse } from '../results/failure.js';
import { isPasskey, isRecord } from '../results/shape.js';
import type { AppendResult, CallOptions, Config, Passkey } from '../types.js';
import { beginModal } from '../webauthn/ceremony-coordinator.js';
import { runModalCeremony } from '../webauthn/run-modal-ceremony.js';
import { initBody } from './init-body.js';

/**
 * Add a passkey for the user a `passkey-append` connect token names: `append/init` → `append/start`
 * → the browser's create dialog → `append/finish` (which alone spends the token).
 */
export async function appendPasskey(config: Config, connectToken: string, { signal }: CallOptions = {}): Promise<AppendResult> {
  const end = beginModal();
  try {
    if (signal?.aborted) return abortedFailure();
    if (!browserSupportsWebAuthn()) return failure('unsupported', 'this browser does not support WebAuthn');

    const init = await postFrontend<{ processId?: unknown; appendAllowed?: unknown }>(config, '/append/init', initBody(config, { connectToken }), signal);
    if (!init.ok) return init;
    const { processId, appendAllowed } = init.body;
    if (typeof processId !== 'string') return invalidResponse('append/init without processId', init.status);
    if (appendAllowed === false) return failure('unsupported', 'the project does not allow adding a passkey from this client');

    const start = await postFrontend<{ attestationOptions?: unknown }>(config, '/append/start', { processId }, signal);
    if (!start.ok) return start;
    if (!isRecord(start.body.attestationOptions)) return invalidResponse('append/start without attestationOptions', start.status);
    const options = start.body.attestationOptions as unknown as PublicKeyCredentialCreationOptionsJSON;

    const ceremony = await runModalCeremony(signal, 'create', () => startRegistration({ optionsJSON: options }));
    if (!ceremony.ok) return ceremony;
    const attestation = ceremony.value;

    const finish = await postFrontend<{ passkey?: unknown }>(config, '/append/finish', { processId, attestationResponse: attestation }, signal);
    if (!finish.ok) return finish;
    if (!isPasskey(finish.body.passkey)) return invalidResponse('append/finish without passkey', finish.status);
    return { ok: true, passkey: finish.body.passkey as Passkey };
  } finally {
    end();
  }
}
