import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import { MigrationError } from '../store/migrate.js';
import { StoreUrlError } from '../store/store.js';
import { classifyStoreFailure } from '../store/store-unavailable.js';
import { housekeepingCommands } from './commands/prune.js';
import { keyCommands } from './commands/keys.js';
import { policyCommands } from './commands/policy.js';
import { projectCommands } from './commands/project.js';
import { reportCommands } from './commands/report.js';
import { secretCommands } from './commands/secret.js';
import { serveCommands } from './commands/serve.js';

// A .env file in the working directory supplies variables the environment does not already set.
if (existsSync('.env')) process.loadEnvFile('.env');

const program = new Command('latchkey')
  .description('Latchkey: self-hosted passkey login on top of the auth an app already has')
  .showHelpAfterError()
  .exitOverride();

serveCommands(program);
projectCommands(program);
secretCommands(program);
keyCommands(program);
housekeepingCommands(program);
policyCommands(program);
reportCommands(program);

/** Errors go to stderr with a non-zero exit and a message that says what to do. */
function fail(error: unknown): never {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof LatchkeyError) {
    process.stderr.write(`latchkey: ${error.message} (${error.code})\n`);
    process.exit(error.status === 404 ? 3 : 2);
  }
  if (error instanceof ConfigError || error instanceof StoreUrlError || error instanceof MigrationError) {
    process.stderr.write(`latchkey: ${error.message}\n`);
    process.exit(2);
  }
  const code = (error as { code?: string } | null)?.code;
  if (code === 'EADDRINUSE') {
    process.stderr.write(`latchkey: the port is already in use; stop the other server or set LATCHKEY_PORT\n`);
    process.exit(2);
  }
  if (classifyStoreFailure(error)) {
    process.stderr.write(
      `latchkey: cannot reach the database (${(error as Error).message}); check LATCHKEY_DATABASE_URL and that the database is running\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`latchkey: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
