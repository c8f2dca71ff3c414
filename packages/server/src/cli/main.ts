import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { describeEnvironment } from '../config/environment.js';
import { EXIT, OperatorError } from '../errors/exit-codes.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import { explainStoreFault } from '../store/explain-store-fault.js';
import { MigrationError } from '../store/migrate.js';
import { StoreUrlError } from '../store/store.js';
import { adminCommands } from './commands/admin.js';
import { housekeepingCommands } from './commands/prune.js';
import { keyCommands } from './commands/keys.js';
import { policyCommands } from './commands/policy.js';
import { projectCommands } from './commands/project.js';
import { reportCommands } from './commands/report.js';
import { secretCommands } from './commands/secret.js';
import { serveCommands } from './commands/serve.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { exitForCommanderError, reportUsageErrorsInOneLine } from './usage.js';
import { packageVersion } from './version.js';

// A .env file in the working directory supplies variables the environment does not already set.
if (existsSync('.env')) process.loadEnvFile('.env');

const program = new Command('latchkey')
  .description('Latchkey: self-hosted passkey login on top of the auth an app already has')
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .addHelpText('after', `\n${describeEnvironment()}\n\n${EXIT_CODES_HELP}`);

serveCommands(program);
projectCommands(program);
secretCommands(program);
keyCommands(program);
housekeepingCommands(program);
policyCommands(program);
reportCommands(program);
adminCommands(program);
reportUsageErrorsInOneLine(program);

/**
 * Errors go to stderr as one line that says what to do, with a non-zero exit code that tells a
 * supervisor what kind of failure it was (src/errors/exit-codes.ts; docs/operations.md). Only a
 * bug prints a stack trace.
 */
function fail(thrown: unknown): never {
  // One line saying what was wrong and what is accepted (src/cli/usage.ts); 0 for --help/--version.
  if (thrown instanceof CommanderError) exitForCommanderError(thrown);
  const error = explainStoreFault(thrown, 'the database of LATCHKEY_DATABASE_URL');
  if (error instanceof OperatorError) {
    process.stderr.write(`latchkey: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof LatchkeyError) {
    process.stderr.write(`latchkey: ${error.message} (${error.code})\n`);
    process.exit(error.status === 404 ? EXIT.notFound : EXIT.config);
  }
  if (error instanceof ConfigError || error instanceof StoreUrlError) {
    process.stderr.write(`latchkey: ${error.message}\n`);
    process.exit(EXIT.config);
  }
  if (error instanceof MigrationError) {
    process.stderr.write(`latchkey: ${error.message}\n`);
    process.exit(EXIT.store);
  }
  process.stderr.write(`latchkey: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(EXIT.unexpected);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
