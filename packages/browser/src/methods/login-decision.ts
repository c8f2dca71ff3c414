import { lastAccount } from '../one-tap/last-account.js';
import type { CallOptions, Config, LoginDecisionResult } from '../types.js';
import { initLogin } from './init-login.js';

/**
 * Ask Latchkey, before showing any passkey control, whether passkey login is on for this device
 * (kill switch, rollout, platform) and whether one-tap may be offered. The answer's process is kept
 * for the next `login()` or `autofill()` of this instance, so asking costs no extra round trip.
 */
export async function loginDecision(config: Config, { signal }: CallOptions = {}): Promise<LoginDecisionResult> {
  const init = await initLogin(config, signal, { reuse: false });
  if ('ok' in init) return init;
  config.prepared = { init, at: Date.now() };
  return {
    ok: true,
    loginAllowed: init.loginAllowed,
    decisionTags: init.decisionTags,
    oneTap: init.oneTap,
    lastAccount: init.oneTap ? lastAccount(config.projectId) : null,
  };
}
