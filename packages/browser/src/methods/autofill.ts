import { browserSupportsWebAuthnAutofill, startAuthentication, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { abortedFailure, failure, notAllowed } from '../results/failure.js';
import type { AutofillOptions, Config, LoginResult } from '../types.js';
import { splitPrf, withPrf } from '../webauthn/prf.js';
import { ceremonyFailure } from '../webauthn/ceremony-failure.js';
import { beginAutofill, cancel, modalInProgress, runCeremony } from '../webauthn/ceremony-coordinator.js';
import { finishLogin, rpIdOf } from './finish-login.js';
import { initLogin } from './init-login.js';
import { reportFailure } from './report-failure.js';

/**
 * Passkey autofill (Conditional UI). Call it when the login form appears; it waits until the user
 * picks a passkey from the identifier field's autofill list, then finishes the login. It ends with
 * `aborted` when the signal aborts, when `login()` or `appendPasskey()` starts, or when another
 * autofill starts; it yields at once (`aborted`) if a login or append is already under way.
 */
export async function autofill(config: Config, options: AutofillOptions = {}): Promise<LoginResult> {
  const result = await autofillOnce(config, options);
  // An autofill that is not supported here, or ended by the page, is nothing to report.
  if (!result.ok && result.reason !== 'unsupported') reportFailure(config, result, 'autofill');
  return result;
}

async function autofillOnce(config: Config, { signal, prf }: AutofillOptions): Promise<LoginResult> {
  if (signal?.aborted || modalInProgress()) return abortedFailure();
  if (!(await browserSupportsWebAuthnAutofill().catch(() => false))) {
    return failure('unsupported', 'this browser does not offer passkeys in autofill (no conditional mediation)');
  }
  if (signal?.aborted || modalInProgress()) return abortedFailure();

  const me = {};
  const controller = new AbortController();
  let end = beginAutofill(controller);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  controller.signal.addEventListener('abort', () => cancel(me), { once: true });
  try {
    const init = await initLogin(config, controller.signal);
    if ('ok' in init) return init;
    const { processId, loginAllowed, conditionalUIChallenge, decisionTags, oneTap } = init;
    if (!loginAllowed) return notAllowed('login', decisionTags);
    if (controller.signal.aborted) return abortedFailure();
    const options = withPrf(conditionalUIChallenge as unknown as PublicKeyCredentialRequestOptionsJSON, prf);

    let answered: AuthenticationResponseJSON;
    try {
      // The identifier field may sit in a shadow root, where SimpleWebAuthn's document-wide check
      // for an autocomplete="… webauthn" input cannot see it; the browser itself can.
      answered = await runCeremony(me, () => startAuthentication({ optionsJSON: options, useBrowserAutofill: true, verifyBrowserAutofillInput: false }));
    } catch (error) {
      if (controller.signal.aborted) return abortedFailure();
      return ceremonyFailure(error, 'get');
    }
    // The user picked a passkey: from here a login() that starts no longer aborts this one, only
    // the caller's own signal does.
    end();
    end = () => {};
    // PRF outputs stay on the page: what goes to Latchkey has them removed.
    const { response: assertion, prf: prfOutputs } = splitPrf(answered);
    return await finishLogin(config, { processId, assertion, isConditionalUI: true, rpId: rpIdOf(options), signalIfUnknown: true, decisionTags, oneTap, prf: prfOutputs }, controller.signal);
  } finally {
    end();
    signal?.removeEventListener('abort', onAbort);
  }
}
