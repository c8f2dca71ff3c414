import { Buffer } from 'node:buffer';

/** Everything the server reads from its environment (docs/operations.md lists each variable). */
export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  logLevel: string;
  trustProxy: boolean;
  /** 32-byte key that encrypts signing keys' private parts at rest; absent = stored unencrypted. */
  keyEncryptionKey: Uint8Array | undefined;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
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
  /** Days raw funnel events are kept after their day was rolled up into daily aggregates. */
  clientEventRetentionDays: number;
  production: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const DEFAULTS = {
  databaseUrl: 'file:./data/latchkey.sqlite',
  port: 4000,
  host: '127.0.0.1',
  logLevel: 'info',
  bodyLimit: 64 * 1024,
  frontendRateLimit: 600,
  backendRateLimit: 6000,
  databasePoolSize: 10,
  databaseTimeout: 5000,
  housekeepingInterval: 60,
  clientEventRetentionDays: 30,
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.LATCHKEY_DATABASE_URL || DEFAULTS.databaseUrl,
    port: integer(env, 'LATCHKEY_PORT', DEFAULTS.port, 0, 65535),
    host: env.LATCHKEY_HOST || DEFAULTS.host,
    logLevel: env.LATCHKEY_LOG_LEVEL || DEFAULTS.logLevel,
    trustProxy: flag(env, 'LATCHKEY_TRUST_PROXY'),
    keyEncryptionKey: keyEncryptionKey(env.LATCHKEY_KEY_ENCRYPTION_KEY),
    bodyLimit: integer(env, 'LATCHKEY_BODY_LIMIT', DEFAULTS.bodyLimit, 1024, 10 * 1024 * 1024),
    frontendRateLimit: integer(env, 'LATCHKEY_FRONTEND_RATE_LIMIT', DEFAULTS.frontendRateLimit, 0, 1e9),
    backendRateLimit: integer(env, 'LATCHKEY_BACKEND_RATE_LIMIT', DEFAULTS.backendRateLimit, 0, 1e9),
    databasePoolSize: integer(env, 'LATCHKEY_DATABASE_POOL_SIZE', DEFAULTS.databasePoolSize, 1, 1000),
    databaseTimeout: integer(env, 'LATCHKEY_DATABASE_TIMEOUT', DEFAULTS.databaseTimeout, 100, 600_000),
    housekeepingInterval: integer(env, 'LATCHKEY_HOUSEKEEPING_INTERVAL', DEFAULTS.housekeepingInterval, 0, 86_400),
    clientEventRetentionDays: integer(env, 'LATCHKEY_CLIENT_EVENT_RETENTION_DAYS', DEFAULTS.clientEventRetentionDays, 1, 3650),
    production: env.NODE_ENV === 'production',
  };
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

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (['', '0', 'false', 'off', 'no'].includes(raw)) return false;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function keyEncryptionKey(raw: string | undefined): Uint8Array | undefined {
  if (!raw) return undefined;
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32) {
    throw new ConfigError(
      `LATCHKEY_KEY_ENCRYPTION_KEY must be 32 bytes, base64-encoded (got ${bytes.length} bytes). ` +
        'Make one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"',
    );
  }
  return new Uint8Array(bytes);
}
