import { ConfigError } from '../config/config.js';
import { EXIT, OperatorError } from '../errors/exit-codes.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import { explainStoreFault } from '../store/explain-store-fault.js';
import { MigrationError, StoreUrlError } from '../store/store-errors.js';

/** What the CLI prints for a failure (one line, without the `latchkey: ` lead) and its exit code. */
export interface Failure {
  line: string;
  exitCode: number;
}

/**
 * Errors go to stderr as one line that says what to do, with a non-zero exit code that tells a
 * supervisor what kind of failure it was (src/errors/exit-codes.ts; docs/operations.md). Only a
 * bug prints a stack trace. A `serve` worker reports its failure to the primary in these terms.
 */
export function describeFailure(thrown: unknown): Failure {
  const error = explainStoreFault(thrown, 'the database of LATCHKEY_DATABASE_URL');
  if (error instanceof OperatorError) return { line: error.message, exitCode: error.exitCode };
  if (error instanceof LatchkeyError) return { line: `${error.message} (${error.code})`, exitCode: error.status === 404 ? EXIT.notFound : EXIT.config };
  if (error instanceof ConfigError || error instanceof StoreUrlError) return { line: error.message, exitCode: EXIT.config };
  if (error instanceof MigrationError) return { line: error.message, exitCode: EXIT.store };
  return { line: `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, exitCode: EXIT.unexpected };
}
