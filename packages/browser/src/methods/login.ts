import { browserSupportsWebAuthn, startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { postFrontend } from '../http/post-frontend.js';
import { abortedFailure, failure, invalidResponse, notAllowed } from '../results/failure.js';
import { isRecord, tagsOf } from '../results/shape.js';
import type { Config, LoginOptions, LoginResult } from '../types.js';
import { beginModal } from '../webauthn/ceremony-coordinator.js';
import { splitPrf, withPrf } from '../webauthn/prf.js';
import { runModalCeremony } from '../webauthn/run-modal-ceremony.js';
import { reportFailure } from './report-failure.js';
import { finishLogin, rpIdOf } from './finish-login.js';
import { initLogin } from './init-login.js';

/**
 * Identifier-first login: `login/init` → `login/start` (which may say `noPasskey`) → the browser's
 * passkey dialog → `login/finish`. Starting it ends any pending autofill with `aborted`.
 */
export async function login(config: Config, options: LoginOptions): Promise<LoginResult> {
  const result = await loginOnce(config, options);
  if (!result.ok) reportFailure(config, result, 'login');
  return result;
}

async function loginOnce(config: Config, { identifier, method = 'identifier', signal, prf }: LoginOptions): Promise<LoginResult> {
  const end = beginModal();
  try {
    if (signal?.aborted) return abortedFailure();
    if (!browserSupportsWebAuthn()) return failure('unsupported', 'this browser does not support WebAuthn');

    const init = await initLogin(config, signal);
    if ('ok' in init) return init;
    const { processId, loginAllowed, decisionTags, oneTap } = init;
    if (!loginAllowed) return notAllowed('login', decisionTags);

    const start = await postFrontend(config, '/login/start', { processId, identifier, method }, signal, config.initTimeoutMs);
    if (!start.ok) return start;
    const startTags = tagsOf(start.body.decisionTags);
    if (start.body.status === 'noPasskey') {
      return failure('noPasskey', 'there is no passkey for this identifier', startTags.length > 0 ? { decisionTags: startTags } : {});
    }
    if (start.body.status !== 'ok' || !isRecord(start.body.assertionOptions)) return invalidResponse('login/start without assertionOptions', start.status);
    const options = withPrf(start.body.assertionOptions as unknown as PublicKeyCredentialRequestOptionsJSON, prf);

    const ceremony = await runModalCeremony(signal, 'get', () => startAuthentication({ optionsJSON: options }));
    if (!ceremony.ok) return ceremony;
    // PRF outputs stay on the page: what goes to Latchkey has them removed.
    const { response: assertion, prf: prfOutputs } = splitPrf(ceremony.value);

    const listed = options.allowCredentials?.some((descriptor) => descriptor.id === assertion.id) ?? false;
    const tags = [...new Set([...decisionTags, ...startTags])];
    return await finishLogin(config, { processId, assertion, isConditionalUI: false, rpId: rpIdOf(options), signalIfUnknown: listed, decisionTags: tags, oneTap, prf: prfOutputs }, signal);
  } finally {
    end();
  }
}
