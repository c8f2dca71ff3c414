import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, platformAuthenticatorIsAvailable } from '@simplewebauthn/browser';
import { deviceId } from './device-id.js';
import { platformFamily, type BrowserFamily, type OsFamily } from './platform-family.js';

/** What the SDK tells `login/init` and `append/init` about this device (see docs/adoption.md). */
export interface ClientInfo {
  deviceId?: string;
  webauthn: boolean;
  platformAuthenticator: boolean;
  conditionalGet: boolean;
  conditionalCreate: boolean;
  hybridTransport?: boolean;
  clientCapabilities?: Record<string, boolean>;
  osFamily: OsFamily;
  browserFamily: BrowserFamily;
}

type GetClientCapabilities = () => Promise<Record<string, unknown>>;
/** The server refuses more; browsers have about a dozen today. */
const MAX_CAPABILITIES = 32;

/** PublicKeyCredential.getClientCapabilities() where the browser has it (booleans only), else undefined. */
export async function clientCapabilities(): Promise<Record<string, boolean> | undefined> {
  const api = (globalThis as { PublicKeyCredential?: { getClientCapabilities?: GetClientCapabilities } }).PublicKeyCredential;
  if (typeof api?.getClientCapabilities !== 'function') return undefined;
  try {
    const all = await api.getClientCapabilities();
    const kept: Record<string, boolean> = {};
    for (const [name, value] of Object.entries(all ?? {})) {
      if (typeof value === 'boolean' && name.length <= 64 && Object.keys(kept).length < MAX_CAPABILITIES) kept[name] = value;
    }
    return kept;
  } catch {
    return undefined;
  }
}

let collected: Promise<ClientInfo> | undefined;

/**
 * Collected once per page (the answers do not change while it is open) and never rejects: anything
 * a browser throws counts as "no".
 */
export function collectClientInfo(): Promise<ClientInfo> {
  collected ??= collect();
  return collected;
}

async function collect(): Promise<ClientInfo> {
  const id = deviceId();
  const base = { ...(id === undefined ? {} : { deviceId: id }), ...platformFamily() };
  if (!browserSupportsWebAuthn()) return { ...base, webauthn: false, platformAuthenticator: false, conditionalGet: false, conditionalCreate: false };
  const [platformAuthenticator, conditionalGet, capabilities] = await Promise.all([
    platformAuthenticatorIsAvailable().catch(() => false),
    browserSupportsWebAuthnAutofill().catch(() => false),
    clientCapabilities(),
  ]);
  const info: ClientInfo = { ...base, webauthn: true, platformAuthenticator, conditionalGet, conditionalCreate: capabilities?.conditionalCreate === true };
  if (capabilities !== undefined) {
    info.clientCapabilities = capabilities;
    if (typeof capabilities.hybridTransport === 'boolean') info.hybridTransport = capabilities.hybridTransport;
  }
  return info;
}
