import { Buffer } from 'node:buffer';

/** Everything the server reads from its environment (environment.ts lists each variable for `--help` and the docs). */
export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  logLevel: string;
  trustProxy: boolean;
  /**
   * 32-byte key that encrypts signing keys' private parts at rest, from LATCHKEY_KEY_ENCRYPTION_KEY.
   * When absent, the key comes from a file instead (keys/resolve-key-encryption-key.ts).
   */
  keyEncryptionKey: Uint8Array | undefined;
  /** Where the key-encryption key is kept (created on first use); default: beside the SQLite file. */
  keyEncryptionKeyFile: string | undefined;
  /** Lets signing keys be stored as plain PEM where no key-encryption key is configured (PostgreSQL). */
  allowPlaintextKeys: boolean;
  /** SQLite's `synchronous` pragma: `normal` survives process crashes, `full` also power loss. */
  sqliteSynchronous: SqliteSynchronous;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Milliseconds a client may take to send a request's headers (slowloris bound); the socket is closed after. */
  headersTimeout: number;
  /** Milliseconds a client may take to send a whole request, headers and body; the socket is closed after. */
  requestTimeout: number;
  /** Milliseconds an idle keep-alive connection stays open between requests. */
  keepAliveTimeout: number;
  /** Requests per minute per client IP on the Frontend API; 0 turns the limit off. */
  frontendRateLimit: number;
  /** Requests per minute per project on the Backend API; 0 turns the limit off. */
  backendRateLimit: number;
  /** Most connections one instance opens to PostgreSQL (ignored for SQLite). */
  databasePoolSize: number;
  /** Milliseconds a database connection attempt or statement may take before the request gets a 503. */
  databaseTimeout: number;
  /** Seconds between housekeeping runs that prune expired rows; 0 turns housekeeping off. */
  housekeepingInterval: number;
  /** Seconds between an instance's heartbeat and latency sample (the console's health view and latency chart); 0 = off. */
  metricsSampleInterval: number;
  /** Days raw funnel events are kept after their day was rolled up into daily aggregates. */
  clientEventRetentionDays: number;
  /** `serve` processes that share the port (LATCHKEY_WORKERS); undefined = one per core. `--workers` wins. */
  workers: number | undefined;
  /** Milliseconds refusal events may wait to be written together (events/event-queue.ts); 0 writes each at once. */
  eventFlushMs: number;
  /**
   * Where browsers reach this server (scheme, host, port), from LATCHKEY_PUBLIC_URL: the console's
   * origin and passkey RP ID, and the base of `admin invite` links. Unset: http://localhost:<port>.
   */
  publicUrl: string | undefined;
  production: boolean;
}

/** More worker processes than this is a typo, not a machine (and each holds its own pool and caches). */
export const MAX_WORKERS = 64;

export const SQLITE_SYNCHRONOUS = ['normal', 'full'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULTS = {
  databaseUrl: 'file:./data/latchkey.sqlite',
  port: 4000,
  host: '127.0.0.1',
  logLevel: 'info',
  bodyLimit: 64 * 1024,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  // Above the 60 s idle timeout of common load balancers, so they close first (no reset races).
  keepAliveTimeout: 72_000,
  frontendRateLimit: 600,
  backendRateLimit: 6000,
  databasePoolSize: 10,
  databaseTimeout: 5000,
  housekeepingInterval: 60,
  metricsSampleInterval: 60,
  clientEventRetentionDays: 30,
  eventFlushMs: 10,
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.LATCHKEY_DATABASE_URL || DEFAULTS.databaseUrl,
    port: integer(env, 'LATCHKEY_PORT', DEFAULTS.port, 0, 65535),
    host: env.LATCHKEY_HOST || DEFAULTS.host,
    logLevel: logLevel(env.LATCHKEY_LOG_LEVEL),
    trustProxy: flag(env, 'LATCHKEY_TRUST_PROXY'),
    keyEncryptionKey: keyEncryptionKey(env.LATCHKEY_KEY_ENCRYPTION_KEY),
    keyEncryptionKeyFile: env.LATCHKEY_KEY_ENCRYPTION_KEY_FILE || undefined,
    allowPlaintextKeys: flag(env, 'LATCHKEY_ALLOW_PLAINTEXT_KEYS'),
    sqliteSynchronous: oneOf(env, 'LATCHKEY_SQLITE_SYNCHRONOUS', SQLITE_SYNCHRONOUS, 'normal'),
    bodyLimit: integer(env, 'LATCHKEY_BODY_LIMIT', DEFAULTS.bodyLimit, 1024, 10 * 1024 * 1024),
    ...requestTimeouts(env),
    frontendRateLimit: integer(env, 'LATCHKEY_FRONTEND_RATE_LIMIT', DEFAULTS.frontendRateLimit, 0, 1e9),
    backendRateLimit: integer(env, 'LATCHKEY_BACKEND_RATE_LIMIT', DEFAULTS.backendRateLimit, 0, 1e9),
    databasePoolSize: integer(env, 'LATCHKEY_DATABASE_POOL_SIZE', DEFAULTS.databasePoolSize, 1, 1000),
    databaseTimeout: integer(env, 'LATCHKEY_DATABASE_TIMEOUT', DEFAULTS.databaseTimeout, 100, 600_000),
    housekeepingInterval: integer(env, 'LATCHKEY_HOUSEKEEPING_INTERVAL', DEFAULTS.housekeepingInterval, 0, 86_400),
    metricsSampleInterval: integer(env, 'LATCHKEY_METRICS_SAMPLE_INTERVAL', DEFAULTS.metricsSampleInterval, 0, 3600),
    clientEventRetentionDays: integer(env, 'LATCHKEY_CLIENT_EVENT_RETENTION_DAYS', DEFAULTS.clientEventRetentionDays, 1, 3650),
    workers: env.LATCHKEY_WORKERS ? integer(env, 'LATCHKEY_WORKERS', 1, 1, MAX_WORKERS) : undefined,
    eventFlushMs: integer(env, 'LATCHKEY_EVENT_FLUSH_MS', DEFAULTS.eventFlushMs, 0, 10_000),
    publicUrl: publicUrl(env.LATCHKEY_PUBLIC_URL),
    production: env.NODE_ENV === 'production',
  };
}

/** Node refuses a headers timeout longer than the request timeout it is part of: say so in our words. */
function requestTimeouts(env: NodeJS.ProcessEnv): Pick<Config, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'> {
  const headersTimeout = integer(env, 'LATCHKEY_HEADERS_TIMEOUT', DEFAULTS.headersTimeout, 100, 600_000);
  const requestTimeout = integer(env, 'LATCHKEY_REQUEST_TIMEOUT', DEFAULTS.requestTimeout, 100, 600_000);
  if (headersTimeout > requestTimeout) {
    throw new ConfigError(`LATCHKEY_HEADERS_TIMEOUT (${headersTimeout}) must not exceed LATCHKEY_REQUEST_TIMEOUT (${requestTimeout})`);
  }
  return { headersTimeout, requestTimeout, keepAliveTimeout: integer(env, 'LATCHKEY_KEEP_ALIVE_TIMEOUT', DEFAULTS.keepAliveTimeout, 100, 600_000) };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** pino's levels; anything else would make the logger throw at start with a stack trace. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(raw: string | undefined): string {
  if (!raw) return DEFAULTS.logLevel;
  const level = raw.toLowerCase();
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LATCHKEY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (['', '0', 'false', 'off', 'no'].includes(raw)) return false;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${env[name]}"`);
  return raw as T;
}

/** An origin browsers use (a path would be ignored, so it is refused rather than silently dropped). */
function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`LATCHKEY_PUBLIC_URL must be a URL such as https://latchkey.example.com, got "${raw}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) {
    throw new ConfigError(`LATCHKEY_PUBLIC_URL must be an origin (https://host[:port], no path), got "${raw}"`);
  }
  return url.origin;
}

/** The console's URL: LATCHKEY_PUBLIC_URL, or this machine's localhost on the port. */
export const publicUrlOf = (config: Pick<Config, 'publicUrl' | 'port'>, port = config.port): string => config.publicUrl ?? `http://localhost:${port}`;

function keyEncryptionKey(raw: string | undefined): Uint8Array | undefined {
  if (!raw) return undefined;
  return decodeKeyEncryptionKey(raw, 'LATCHKEY_KEY_ENCRYPTION_KEY');
}

/** 32 bytes from base64 text (a variable's value or a key file's content), or a ConfigError naming `where`. */
export function decodeKeyEncryptionKey(raw: string, where: string): Uint8Array {
  const text = raw.trim();
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32) {
    throw new ConfigError(
      `${where} must hold 32 bytes, base64-encoded (got ${bytes.length} bytes). ` +
        'Make one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"',
    );
  }
  return new Uint8Array(bytes);
}
