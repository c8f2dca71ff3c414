import { EXIT, OperatorError } from '../errors/exit-codes.js';
import { sqliteWriteProblem } from './sqlite-write-problem.js';
import { CAUSE_PHRASES, diagnoseStoreFault, type StoreFaultCause } from './store-unavailable.js';

/** What the operator can do about each cause. */
const REMEDIES: Record<StoreFaultCause, string> = {
  unreachable: 'check LATCHKEY_DATABASE_URL and that the database is running',
  timeout: 'check LATCHKEY_DATABASE_URL and that the database is running and not overloaded',
  read_only: 'make the database file, its directory and file system writable, or point LATCHKEY_DATABASE_URL elsewhere',
  disk_full: 'free space on its file system',
  permission_denied: "grant the role SELECT, INSERT, UPDATE and DELETE on Latchkey's tables (docs/operations.md)",
  missing_database: 'create it (e.g. `createdb NAME`) or fix the name in LATCHKEY_DATABASE_URL',
  corrupt: 'restore it from a backup (docs/operations.md), or point LATCHKEY_DATABASE_URL at the right file',
  cannot_open: 'check that LATCHKEY_DATABASE_URL names a file in a directory Latchkey can write',
  io_error: 'check the file and its file system (`lsattr` shows an immutable file; `dmesg` a failing disk)',
};

/**
 * A store fault met by a command or at start-up, as one line an operator can act on (exit 4);
 * anything else is returned unchanged. `where` says which store ("sqlite /var/lib/…").
 */
export function explainStoreFault(error: unknown, where: string): unknown {
  const fault = diagnoseStoreFault(error);
  if (!fault || error instanceof OperatorError) return error;
  const lead = fault.cause === 'unreachable' ? 'cannot reach the database' : `the database ${CAUSE_PHRASES[fault.cause]}`;
  const first = error instanceof AggregateError && !error.message ? (error.errors[0] as Error | undefined) : (error as Error);
  const detail = (first?.message ?? String(error)).split('\n')[0];
  // A SQLite store (`where` is its Store.describe, "sqlite <path>"): the file system may say more.
  const found = where.startsWith('sqlite ') && fault.cause !== 'corrupt' ? sqliteWriteProblem(where.slice('sqlite '.length)) : undefined;
  if (found) return new OperatorError(`the database cannot be written: ${found.problem} (${where}: ${detail}); ${REMEDIES[found.cause]}`, EXIT.store);
  return new OperatorError(`${lead} (${where}: ${detail}); ${REMEDIES[fault.cause]}`, EXIT.store);
}
