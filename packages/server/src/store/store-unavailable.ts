import { LatchkeyError } from '../errors/latchkey-error.js';

/**
 * Recognises failures that mean "the database is away or too slow" rather than "this request is
 * wrong", so that they are answered 503 with a clear code (and retried elsewhere) instead of 500.
 *
 * PostgreSQL SQLSTATEs: class 08 connection exceptions; 57P01-57P03 the server is shutting down or
 * starting; 53300 too many connections; 57014 a statement cancelled by statement_timeout. Node
 * socket errors and the pg pool's own messages cover a server that cannot be reached at all.
 * SQLite: SQLITE_BUSY after busy_timeout (another process held the write lock too long).
 */
const TIMEOUT_SQLSTATES = new Set(['57014']);
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const POOL_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /query read timeout/i,
  /client has encountered a connection error/i,
  /connection timeout/i,
];

export type StoreFailure = 'store_unavailable' | 'store_timeout';

export function classifyStoreFailure(error: unknown): StoreFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TIMEOUT_SQLSTATES.has(code) || code.startsWith('SQLITE_BUSY')) return 'store_timeout';
    if (UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || SOCKET_ERRORS.has(code)) return 'store_unavailable';
  }
  if (POOL_MESSAGES.some((pattern) => pattern.test(error.message))) {
    return /timeout/i.test(error.message) ? 'store_timeout' : 'store_unavailable';
  }
  // AggregateError from a connection attempt to several addresses (localhost → ::1 and 127.0.0.1).
  if (error instanceof AggregateError) return error.errors.map(classifyStoreFailure).find(Boolean);
  return undefined;
}

const MESSAGES: Record<StoreFailure, string> = {
  store_unavailable: 'the database cannot be reached right now; retry shortly',
  store_timeout: 'the database did not answer in time; retry shortly',
};

/** The 503 a request gets when the store is away; Retry-After tells clients and balancers when to try again. */
export function storeUnavailableError(failure: StoreFailure, message = MESSAGES[failure]): LatchkeyError {
  return new LatchkeyError(503, failure, message, { 'retry-after': '1' });
}
