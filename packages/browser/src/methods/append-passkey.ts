import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { collectClientInfo } from '../client-info/collect-client-info.js';
import { abortedFailure, failure } from '../results/failure.js';
import type { AppendOptions, AppendResult, Config } from '../types.js';
import { completeAppend } from './complete-append.js';
import { initAppend } from './init-append.js';

/**
 * Add a passkey for the user a `passkey-append` connect token names: `append/init` → `append/start`
 * → the browser's create dialog → `append/finish`. The user asked for it, so only the project's
 * hard refusals (kill switch, rollout, platform) stop it, not the nudge back-off.
 *
 * With `conditional: true` (automatic upgrade) it first checks, without any request, that the
 * browser can create a passkey conditionally (`getClientCapabilities().conditionalCreate`), and
 * resolves `unsupported` where it cannot.
 */
export async function appendPasskey(config: Config, connectToken: string, { signal, conditional = false, prf }: AppendOptions = {}): Promise<AppendResult> {
  if (signal?.aborted) return abortedFailure();
  if (!browserSupportsWebAuthn()) return failure('unsupported', 'this browser does not support WebAuthn');
  if (conditional && !(await collectClientInfo()).conditionalCreate) {
    config.events.report([{ type: 'conditional-create', result: 'unsupported', reason: 'browser' }]);
    return failure('unsupported', 'this browser cannot create a passkey conditionally (getClientCapabilities().conditionalCreate is not true)');
  }
  const init = await initAppend(config, connectToken, signal);
  if ('ok' in init) return init;
  return completeAppend(config, init, conditional, signal, prf);
}
