import { LatchkeyError } from '../errors/latchkey-error.js';

/**
 * Recognises failures that mean "the database is away, too slow, or cannot store anything right
 * now" rather than "this request is wrong", so that they are answered 503 with a clear code (and
 * retried elsewhere) instead of 500.
 *
 * Each recognised failure has a cause, which the operator reads (the log line, `/readyz`, the
 * one-line refusal of `latchkey serve`); clients only see the code.
 *
 * PostgreSQL SQLSTATEs: class 08 connection exceptions; 57P01-57P04 the server is shutting down,
 * starting, or the database was dropped; 53300 too many connections; 57014 a statement cancelled by
 * statement_timeout; 42501 the role lost its grants; class 53 out of disk or memory; 25006 a
 * read-only server (a standby after a failover); 3D000 no such database; 28xxx the role cannot log
 * in; class 58 and XX001/XX002 I/O errors and corruption. Node socket errors and the pg pool's own
 * messages cover a server that cannot be reached at all.
 * SQLite: SQLITE_BUSY after busy_timeout (another process held the write lock too long); a file or
 * file system that refuses writes (READONLY, an immutable file: IOERR), a full disk (FULL), a file
 * that cannot be opened or is not a database (CANTOPEN, CORRUPT, NOTADB).
 */
export type StoreFailure = 'store_unavailable' | 'store_timeout';

/** What is wrong with the store, in the operator's terms. */
export type StoreFaultCause =
  | 'unreachable'
  | 'timeout'
  | 'read_only'
  | 'disk_full'
  | 'permission_denied'
  | 'missing_database'
  | 'corrupt'
  | 'cannot_open'
  | 'io_error';

export interface StoreFault {
  failure: StoreFailure;
  cause: StoreFaultCause;
}

const SQLSTATES: Record<string, StoreFaultCause> = {
  '57014': 'timeout',
  '57P01': 'unreachable',
  '57P02': 'unreachable',
  '57P03': 'unreachable',
  '57P04': 'missing_database',
  '53300': 'unreachable',
  '53100': 'disk_full',
  '42501': 'permission_denied',
  '25006': 'read_only',
  '3D000': 'missing_database',
  '28000': 'permission_denied',
  '28P01': 'permission_denied',
  XX001: 'corrupt',
  XX002: 'corrupt',
};
const SQLSTATE_CLASSES: Record<string, StoreFaultCause> = { '08': 'unreachable', '53': 'io_error', '58': 'io_error' };
/** SQLite primary result codes (extended codes such as SQLITE_IOERR_WRITE carry a suffix). */
const SQLITE_CODES: Record<string, StoreFaultCause> = {
  SQLITE_BUSY: 'timeout',
  SQLITE_READONLY: 'read_only',
  SQLITE_FULL: 'disk_full',
  SQLITE_IOERR: 'io_error',
  SQLITE_CANTOPEN: 'cannot_open',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
  SQLITE_PERM: 'permission_denied',
  SQLITE_NOMEM: 'io_error',
};
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const POOL_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /query read timeout/i,
  /client has encountered a connection error/i,
  /connection timeout/i,
];

function causeOfCode(code: string): StoreFaultCause | undefined {
  if (code.startsWith('SQLITE_')) return SQLITE_CODES[/^SQLITE_[A-Z]+/.exec(code)![0]];
  if (SOCKET_ERRORS.has(code)) return 'unreachable';
  if (/^[0-9A-Z]{5}$/.test(code)) return SQLSTATES[code] ?? SQLSTATE_CLASSES[code.slice(0, 2)];
  return undefined;
}

/** What kind of store fault `error` is, or undefined when it is not one (a bug, a bad request). */
export function diagnoseStoreFault(error: unknown): StoreFault | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const cause =
    (typeof code === 'string' ? causeOfCode(code) : undefined) ??
    (POOL_MESSAGES.some((pattern) => pattern.test(error.message)) ? (/timeout/i.test(error.message) ? 'timeout' : 'unreachable') : undefined);
  if (cause) return { cause, failure: cause === 'timeout' ? 'store_timeout' : 'store_unavailable' };
  // AggregateError from a connection attempt to several addresses (localhost → ::1 and 127.0.0.1).
  if (error instanceof AggregateError) return error.errors.map(diagnoseStoreFault).find(Boolean);
  return undefined;
}

export function classifyStoreFailure(error: unknown): StoreFailure | undefined {
  return diagnoseStoreFault(error)?.failure;
}

/** The connection itself is suspect (gone or hung), so it must not be reused. */
export function isConnectionFault(error: unknown): boolean {
  const cause = diagnoseStoreFault(error)?.cause;
  return cause === 'unreachable' || cause === 'timeout';
}

/** What an operator reads: "the database <phrase>". */
export const CAUSE_PHRASES: Record<StoreFaultCause, string> = {
  unreachable: 'cannot be reached',
  timeout: 'did not answer in time',
  read_only: 'refuses writes (read-only file, file system or server)',
  disk_full: 'has no space left to write',
  permission_denied: 'refuses access to the configured role (missing grants or login)',
  missing_database: 'does not exist',
  corrupt: 'is corrupt or not a Latchkey database',
  cannot_open: 'cannot be opened (a missing directory, or a path that is not a file)',
  io_error: 'fails to write (I/O error: an immutable file, a failing disk or no memory)',
};

const MESSAGES: Record<StoreFailure, string> = {
  store_unavailable: 'the database cannot be reached right now; retry shortly',
  store_timeout: 'the database did not answer in time; retry shortly',
};

/** The client-facing message: whether the store is away or refuses writes is the operator's business. */
const WRITE_FAULT_MESSAGE = 'the database cannot store data right now; retry shortly';

export function storeFaultMessage(fault: StoreFault): string {
  return fault.cause === 'unreachable' || fault.cause === 'timeout' ? MESSAGES[fault.failure] : WRITE_FAULT_MESSAGE;
}

/** The 503 a request gets when the store is away; Retry-After tells clients and balancers when to try again. */
export function storeUnavailableError(failure: StoreFailure, message = MESSAGES[failure]): LatchkeyError {
  return new LatchkeyError(503, failure, message, { 'retry-after': '1' });
}
