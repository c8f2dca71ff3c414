import { browserSupportsWebAuthn, startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { postFrontend } from '../http/post-frontend.js';
import { abortedFailure, failure, invalidResponse } from '../results/failure.js';
import { isRecord } from '../results/shape.js';
import type { Config, LoginOptions, LoginResult } from '../types.js';
import { beginModal } from '../webauthn/ceremony-coordinator.js';
import { runModalCeremony } from '../webauthn/run-modal-ceremony.js';
import { finishLogin, rpIdOf } from './finish-login.js';
import { initBody } from './init-body.js';

/**
 * Identifier-first login: `login/init` → `login/start` (which may say `noPasskey`) → the browser's
 * passkey dialog → `login/finish`. Starting it ends any pending autofill with `aborted`.
 */
export async function login(config: Config, { identifier, signal }: LoginOptions): Promise<LoginResult> {
  const end = beginModal();
  try {
    if (signal?.aborted) return abortedFailure();
    if (!browserSupportsWebAuthn()) return failure('unsupported', 'this browser does not support WebAuthn');

    const init = await postFrontend<{ processId?: unknown; loginAllowed?: unknown }>(config, '/login/init', initBody(config), signal, config.initTimeoutMs);
    if (!init.ok) return init;
    const { processId, loginAllowed } = init.body;
    if (typeof processId !== 'string') return invalidResponse('login/init without processId', init.status);
    if (loginAllowed === false) return failure('unsupported', 'the project does not allow passkey login for this client');

    const start = await postFrontend<{ status?: unknown; assertionOptions?: unknown }>(config, '/login/start', { processId, identifier }, signal, config.initTimeoutMs);
    if (!start.ok) return start;
    if (start.body.status === 'noPasskey') return failure('noPasskey', 'there is no passkey for this identifier');
    if (start.body.status !== 'ok' || !isRecord(start.body.assertionOptions)) return invalidResponse('login/start without assertionOptions', start.status);
    const options = start.body.assertionOptions as unknown as PublicKeyCredentialRequestOptionsJSON;

    const ceremony = await runModalCeremony(signal, 'get', () => startAuthentication({ optionsJSON: options }));
    if (!ceremony.ok) return ceremony;
    const assertion = ceremony.value;

    const listed = options.allowCredentials?.some((descriptor) => descriptor.id === assertion.id) ?? false;
    return await finishLogin(config, { processId, assertion, isConditionalUI: false, rpId: rpIdOf(options), signalIfUnknown: listed }, signal);
  } finally {
    end();
  }
}
