import { appendPasskey } from './methods/append-passkey.js';
import { autofill } from './methods/autofill.js';
import { capabilities } from './methods/capabilities.js';
import { deletePasskey } from './methods/delete-passkey.js';
import { listPasskeys } from './methods/list-passkeys.js';
import { login } from './methods/login.js';
import type { Config, Latchkey, LatchkeyOptions } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** A few seconds: longer and a user facing a Latchkey that is down gives up on the page itself. */
const DEFAULT_INIT_TIMEOUT_MS = 3_000;

/**
 * A Latchkey client for one project. Cheap to create; holds no state between calls besides its
 * configuration, so one per page (or per component) is fine.
 */
export function createLatchkey(options: LatchkeyOptions): Latchkey {
  if (!options || typeof options.baseUrl !== 'string' || options.baseUrl === '') throw new TypeError('createLatchkey: baseUrl is required');
  if (typeof options.projectId !== 'string' || options.projectId === '') throw new TypeError('createLatchkey: projectId is required');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('createLatchkey: timeoutMs must be a positive number');
  const initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
  if (!Number.isFinite(initTimeoutMs) || initTimeoutMs <= 0) throw new TypeError('createLatchkey: initTimeoutMs must be a positive number');
  const config: Config = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    projectId: options.projectId,
    timeoutMs,
    initTimeoutMs: Math.min(initTimeoutMs, timeoutMs),
    clientInfo: options.clientInfo,
    // Bound, because some browsers refuse a fetch called with another `this`.
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
  };
  return {
    capabilities: () => capabilities(),
    login: (loginOptions) => login(config, loginOptions),
    autofill: (callOptions) => autofill(config, callOptions),
    appendPasskey: (connectToken, callOptions) => appendPasskey(config, connectToken, callOptions),
    listPasskeys: (connectToken, callOptions) => listPasskeys(config, connectToken, callOptions),
    deletePasskey: (connectToken, passkeyId, callOptions) => deletePasskey(config, connectToken, passkeyId, callOptions),
  };
}
