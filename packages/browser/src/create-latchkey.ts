import { collectClientInfo } from './client-info/collect-client-info.js';
import { createEventQueue } from './events/event-queue.js';
import { appendPasskey } from './methods/append-passkey.js';
import { autofill } from './methods/autofill.js';
import { capabilities } from './methods/capabilities.js';
import { deletePasskey } from './methods/delete-passkey.js';
import { listPasskeys } from './methods/list-passkeys.js';
import { login } from './methods/login.js';
import { loginDecision } from './methods/login-decision.js';
import { offerAppend } from './methods/offer-append.js';
import { renamePasskey } from './methods/rename-passkey.js';
import { forgetLastAccount, lastAccount } from './one-tap/last-account.js';
import type { Config, Latchkey, LatchkeyOptions } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** A few seconds: longer and a user facing a Latchkey that is down gives up on the page itself. */
const DEFAULT_INIT_TIMEOUT_MS = 3_000;

/**
 * A Latchkey client for one project. Cheap to create; holds its configuration, a queue of client
 * events and at most one prepared login/init answer, so one per page (or per component) is fine.
 */
export function createLatchkey(options: LatchkeyOptions): Latchkey {
  if (!options || typeof options.baseUrl !== 'string' || options.baseUrl === '') throw new TypeError('createLatchkey: baseUrl is required');
  if (typeof options.projectId !== 'string' || options.projectId === '') throw new TypeError('createLatchkey: projectId is required');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('createLatchkey: timeoutMs must be a positive number');
  const initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
  if (!Number.isFinite(initTimeoutMs) || initTimeoutMs <= 0) throw new TypeError('createLatchkey: initTimeoutMs must be a positive number');
  const config = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    projectId: options.projectId,
    timeoutMs,
    initTimeoutMs: Math.min(initTimeoutMs, timeoutMs),
    clientInfo: options.clientInfo,
    // Bound, because some browsers refuse a fetch called with another `this`.
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    prepared: undefined,
  } as Config;
  config.events = createEventQueue(config);
  const { projectId } = config;
  return {
    capabilities: () => capabilities(),
    clientInfo: () => collectClientInfo(),
    loginDecision: (callOptions) => loginDecision(config, callOptions),
    login: (loginOptions) => login(config, loginOptions),
    autofill: (callOptions) => autofill(config, callOptions),
    appendPasskey: (connectToken, callOptions) => appendPasskey(config, connectToken, callOptions),
    offerAppend: (connectToken, callOptions) => offerAppend(config, connectToken, callOptions),
    listPasskeys: (connectToken, callOptions) => listPasskeys(config, connectToken, callOptions),
    deletePasskey: (connectToken, passkeyId, callOptions) => deletePasskey(config, connectToken, passkeyId, callOptions),
    renamePasskey: (connectToken, passkeyId, name, callOptions) => renamePasskey(config, connectToken, passkeyId, name, callOptions),
    lastAccount: () => lastAccount(projectId),
    forgetLastAccount: () => forgetLastAccount(projectId),
    reportEvents: (events) => config.events.report(events),
    flushEvents: () => config.events.flush(),
  };
}
