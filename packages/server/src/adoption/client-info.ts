import { badRequest } from '../errors/latchkey-error.js';

export const OS_FAMILIES = ['android', 'ios', 'macos', 'windows', 'linux', 'chromeos', 'other'] as const;
export const BROWSER_FAMILIES = ['chrome', 'edge', 'safari', 'firefox', 'samsung', 'other'] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];

/** What the decisions use of a page's clientInfo. null = the page did not say (or said junk). */
export interface ClientFacts {
  deviceId: string | null;
  webauthn: boolean | null;
  platformAuthenticator: boolean | null;
  conditionalGet: boolean | null;
  conditionalCreate: boolean | null;
  hybridTransport: boolean | null;
  /** 'unknown' when absent or not one of the families. */
  osFamily: string;
  browserFamily: string;
}

const MAX_JSON = 4096;
const MAX_PROPERTIES = 32;
export const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Reads clientInfo leniently: unknown keys are ignored and a known key with a junk value counts as
 * unknown, because a page on an old or odd browser must still be able to log in. Only size is
 * refused (the process stores the object): > 4 KiB as JSON or > 32 properties.
 */
export function readClientInfo(raw: unknown): ClientFacts {
  if (raw !== undefined && raw !== null) {
    const json = JSON.stringify(raw);
    if (json.length > MAX_JSON) throw badRequest('client_info_too_large', `clientInfo must be at most ${MAX_JSON} bytes as JSON`);
  }
  const info = isObject(raw) ? raw : {};
  if (Object.keys(info).length > MAX_PROPERTIES) throw badRequest('client_info_too_large', `clientInfo may have at most ${MAX_PROPERTIES} properties`);
  const capabilities = isObject(info.clientCapabilities) ? info.clientCapabilities : {};
  if (Object.keys(capabilities).length > MAX_PROPERTIES) {
    throw badRequest('client_info_too_large', `clientInfo.clientCapabilities may have at most ${MAX_PROPERTIES} entries`);
  }
  // getClientCapabilities() names: a page that only forwarded those still counts.
  const flag = (key: string, capability?: string): boolean | null =>
    typeof info[key] === 'boolean' ? (info[key] as boolean) : capability && typeof capabilities[capability] === 'boolean' ? (capabilities[capability] as boolean) : null;
  return {
    deviceId: typeof info.deviceId === 'string' && DEVICE_ID.test(info.deviceId) ? info.deviceId : null,
    webauthn: flag('webauthn'),
    platformAuthenticator: flag('platformAuthenticator', 'userVerifyingPlatformAuthenticator'),
    conditionalGet: flag('conditionalGet', 'conditionalGet'),
    conditionalCreate: flag('conditionalCreate', 'conditionalCreate'),
    hybridTransport: flag('hybridTransport', 'hybridTransport'),
    osFamily: family(info.osFamily, OS_FAMILIES),
    browserFamily: family(info.browserFamily, BROWSER_FAMILIES),
  };
}

/** True when the page told nothing about what the device can do. */
export const capabilitiesUnknown = (facts: ClientFacts): boolean =>
  facts.webauthn === null && facts.platformAuthenticator === null && facts.conditionalGet === null && facts.conditionalCreate === null && facts.hybridTransport === null;

export function family(value: unknown, families: readonly string[]): string {
  return typeof value === 'string' && families.includes(value) ? value : 'unknown';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
