import { LatchkeyConfigError } from '../errors/latchkey-config-error.js';

export interface LocalJwksCheckOptions {
  /** How long fetched keys are trusted before they are fetched again. Default 600 000 (10 minutes). */
  cacheMaxAgeMs?: number;
  /**
   * After a fetch, how long a token with a kid the cached set lacks waits before it may trigger
   * another fetch (meanwhile such tokens simply go to the server). Default 30 000.
   */
  cooldownMs?: number;
}

export interface ClientOptions {
  /** Where Latchkey runs, e.g. `https://auth.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** `pro-` + 19 digits. */
  projectId: string;
  /** An API secret of that project (`latchkey1_…`). Keep it on the server. */
  apiSecret: string;
  /** Limit for each attempt, from sending the request to the end of the answer's body. Default 10 000. */
  timeoutMs?: number;
  /** Further attempts after a 503, a network error or a timeout. Default 2 (three attempts in all); 0 turns retries off. */
  retries?: number;
  /** Refuse forged and malformed tokens locally against the project's JWKS (see docs). Default false. */
  localJwksCheck?: boolean | LocalJwksCheckOptions;
  /** The fetch to use. Default: Node's global fetch. */
  fetch?: typeof globalThis.fetch;
}

export interface ResolvedOptions {
  baseUrl: string;
  projectId: string;
  apiSecret: string;
  timeoutMs: number;
  retries: number;
  localJwksCheck: Required<LocalJwksCheckOptions> | undefined;
  fetch: typeof globalThis.fetch;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 2;
export const MAX_RETRIES = 10;
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 600_000;
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

const PROJECT_ID = /^pro-\d{19}$/;

/**
 * Checks every option once, at construction, so that a misconfigured app fails at start-up with
 * a precise message rather than with a 401 or a confusing network error on its first login.
 */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new LatchkeyConfigError('invalid_option', 'createClient needs an options object');
  return {
    baseUrl: resolveBaseUrl(options.baseUrl),
    projectId: resolveProjectId(options.projectId),
    apiSecret: resolveApiSecret(options.apiSecret),
    timeoutMs: integerOption('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, 600_000),
    retries: integerOption('retries', options.retries, DEFAULT_RETRIES, 0, MAX_RETRIES),
    localJwksCheck: resolveLocalJwksCheck(options.localJwksCheck),
    fetch: resolveFetch(options.fetch),
  };
}

function resolveBaseUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new LatchkeyConfigError('invalid_base_url', 'baseUrl is required, e.g. "https://auth.example.com"');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LatchkeyConfigError('invalid_base_url', `baseUrl "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LatchkeyConfigError('invalid_base_url', `baseUrl must be http: or https:, got "${url.protocol}"`);
  }
  if (url.username || url.password) {
    throw new LatchkeyConfigError('invalid_base_url', 'baseUrl must not carry credentials; pass projectId and apiSecret instead');
  }
  if (url.search || url.hash) throw new LatchkeyConfigError('invalid_base_url', 'baseUrl must not have a query or a fragment');
  // Paths are appended to it: "https://x/auth/" and "https://x/auth" mean the same.
  return url.href.replace(/\/+$/, '');
}

function resolveProjectId(value: unknown): string {
  if (typeof value !== 'string' || !PROJECT_ID.test(value)) {
    throw new LatchkeyConfigError('invalid_project_id', `projectId must be "pro-" followed by 19 digits, got ${JSON.stringify(value) ?? 'undefined'}`);
  }
  return value;
}

function resolveApiSecret(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new LatchkeyConfigError('invalid_api_secret', 'apiSecret is required: an API secret of the project (shown once by `latchkey project create` or `latchkey secret create`)');
  }
  // A header value cannot carry these; fetch would fail later with a vaguer TypeError.
  if (/[\r\n\0]/.test(value)) throw new LatchkeyConfigError('invalid_api_secret', 'apiSecret contains a line break or NUL character');
  return value;
}

function integerOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LatchkeyConfigError('invalid_option', `${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function resolveLocalJwksCheck(value: unknown): Required<LocalJwksCheckOptions> | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { cacheMaxAgeMs: DEFAULT_JWKS_CACHE_MAX_AGE_MS, cooldownMs: DEFAULT_JWKS_COOLDOWN_MS };
  if (typeof value !== 'object' || value === null) throw new LatchkeyConfigError('invalid_option', 'localJwksCheck must be true, false or an options object');
  const given = value as LocalJwksCheckOptions;
  return {
    cacheMaxAgeMs: integerOption('localJwksCheck.cacheMaxAgeMs', given.cacheMaxAgeMs, DEFAULT_JWKS_CACHE_MAX_AGE_MS, 0, 86_400_000),
    cooldownMs: integerOption('localJwksCheck.cooldownMs', given.cooldownMs, DEFAULT_JWKS_COOLDOWN_MS, 0, 86_400_000),
  };
}

function resolveFetch(value: unknown): typeof globalThis.fetch {
  if (value === undefined) {
    if (typeof globalThis.fetch !== 'function') throw new LatchkeyConfigError('invalid_option', 'no global fetch: use Node 20 or newer, or pass the fetch option');
    // Looked up per call, not captured, so that instrumentation installed later (APM agents) applies.
    return (input, init) => globalThis.fetch(input, init);
  }
  if (typeof value !== 'function') throw new LatchkeyConfigError('invalid_option', 'fetch must be a function');
  return value as typeof globalThis.fetch;
}
