import { DEFAULTS } from './config.js';

export interface EnvironmentVariable {
  name: string;
  /** As an operator would write it; `unset` / `off` where there is no value. */
  default: string;
  meaning: string;
}

/**
 * Every variable Latchkey reads, with its default: `latchkey --help` prints this table, and a test
 * fails when any source file names a LATCHKEY_* variable that is missing here (or docs/operations.md
 * misses one listed here), so the list cannot go stale. A new variable goes into loadConfig AND here.
 */
export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'LATCHKEY_DATABASE_URL', default: DEFAULTS.databaseUrl, meaning: 'file:PATH for embedded SQLite, postgres://… for PostgreSQL' },
  { name: 'LATCHKEY_PORT', default: String(DEFAULTS.port), meaning: 'port to listen on; 0 picks a free one' },
  { name: 'LATCHKEY_HOST', default: DEFAULTS.host, meaning: 'interface to listen on; 0.0.0.0 for all' },
  { name: 'LATCHKEY_LOG_LEVEL', default: DEFAULTS.logLevel, meaning: 'pino level: fatal, error, warn, info, debug, trace, silent' },
  { name: 'LATCHKEY_TRUST_PROXY', default: 'off', meaning: 'honour X-Forwarded-For/-Proto from a load balancer' },
  { name: 'LATCHKEY_KEY_ENCRYPTION_KEY', default: 'unset', meaning: '32 bytes, base64: encrypts signing keys at rest; wins over the key file' },
  { name: 'LATCHKEY_KEY_ENCRYPTION_KEY_FILE', default: 'SQLite: <database file>.kek', meaning: 'file holding that key, created 0600 on first use; on PostgreSQL give this or the key' },
  { name: 'LATCHKEY_ALLOW_PLAINTEXT_KEYS', default: 'off', meaning: 'allow plain-PEM signing keys in production on PostgreSQL (not advised)' },
  { name: 'LATCHKEY_SQLITE_SYNCHRONOUS', default: 'normal', meaning: 'SQLite durability: normal, or full (survives power loss)' },
  { name: 'LATCHKEY_BODY_LIMIT', default: String(DEFAULTS.bodyLimit), meaning: 'largest request body in bytes' },
  { name: 'LATCHKEY_HEADERS_TIMEOUT', default: String(DEFAULTS.headersTimeout), meaning: 'milliseconds for a request\'s headers to arrive (slow clients get 408)' },
  { name: 'LATCHKEY_REQUEST_TIMEOUT', default: String(DEFAULTS.requestTimeout), meaning: 'milliseconds for a whole request to arrive' },
  { name: 'LATCHKEY_KEEP_ALIVE_TIMEOUT', default: String(DEFAULTS.keepAliveTimeout), meaning: 'milliseconds an idle keep-alive connection stays open' },
  { name: 'LATCHKEY_FRONTEND_RATE_LIMIT', default: String(DEFAULTS.frontendRateLimit), meaning: 'Frontend API requests per minute per client IP; 0 = off' },
  { name: 'LATCHKEY_BACKEND_RATE_LIMIT', default: String(DEFAULTS.backendRateLimit), meaning: 'Backend API requests per minute per project; 0 = off' },
  { name: 'LATCHKEY_DATABASE_POOL_SIZE', default: String(DEFAULTS.databasePoolSize), meaning: 'most PostgreSQL connections per instance' },
  { name: 'LATCHKEY_DATABASE_TIMEOUT', default: String(DEFAULTS.databaseTimeout), meaning: 'milliseconds a database connection or statement may take' },
  { name: 'LATCHKEY_HOUSEKEEPING_INTERVAL', default: String(DEFAULTS.housekeepingInterval), meaning: 'seconds between prunes of expired rows; 0 = off' },
  { name: 'LATCHKEY_METRICS_SAMPLE_INTERVAL', default: String(DEFAULTS.metricsSampleInterval), meaning: 'seconds between each instance\'s heartbeat and latency sample (console health and latency chart); 0 = off' },
  { name: 'LATCHKEY_CLIENT_EVENT_RETENTION_DAYS', default: String(DEFAULTS.clientEventRetentionDays), meaning: 'days raw adoption events are kept once rolled up into daily aggregates' },
  { name: 'LATCHKEY_WORKERS', default: 'number of cores', meaning: 'serve processes sharing the port (1 = no cluster); `serve --workers N` wins' },
  { name: 'LATCHKEY_EVENT_FLUSH_MS', default: String(DEFAULTS.eventFlushMs), meaning: 'milliseconds refusal events may wait to be written together (a crash loses at most these); 0 = each at once' },
  { name: 'LATCHKEY_PUBLIC_URL', default: 'http://localhost:<port>', meaning: 'origin browsers reach the server at: the console\'s origin and passkey RP ID, base of invite links' },
  { name: 'NODE_ENV', default: 'unset', meaning: 'production: refuse plain-PEM signing keys (PostgreSQL without a key-encryption key)' },
];

/** The table as `--help` prints it. */
export function describeEnvironment(): string {
  const width = Math.max(...ENVIRONMENT.map((v) => v.name.length));
  const defaultWidth = Math.max(...ENVIRONMENT.map((v) => v.default.length));
  return [
    'Environment (a .env file in the working directory is read too; the environment wins):',
    ...ENVIRONMENT.map((v) => `  ${v.name.padEnd(width)}  ${v.default.padEnd(defaultWidth)}  ${v.meaning}`),
  ].join('\n');
}
