import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeEnvironment } from '../config/environment.js';
import { attestationCommands } from './commands/attestation.js';
import { mdsCommands } from './commands/mds.js';
import { passkeyCommands } from './commands/passkeys.js';
import { adminCommands } from './commands/admin.js';
import { housekeepingCommands } from './commands/prune.js';
import { keyCommands } from './commands/keys.js';
import { policyCommands } from './commands/policy.js';
import { projectCommands } from './commands/project.js';
import { reportCommands } from './commands/report.js';
import { secretCommands } from './commands/secret.js';
import { serveCommands } from './commands/serve.js';
import { describeFailure } from './describe-failure.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { exitForCommanderError, reportUsageErrorsInOneLine } from './usage.js';
import { packageVersion } from './version.js';

// A .env file in the working directory supplies variables the environment does not already set.
if (existsSync('.env')) process.loadEnvFile('.env');

// Every command is registered here (its options, arguments and help text), but loads what it runs
// (the store, Kysely, jose, the domain modules) with `await import()` in its action: `--help`,
// `--version`, usage errors and each single command start without the whole server's module graph
// (0.6 s of CPU per start before; the test suites start the CLI hundreds of times). Only modules a
// command's definition needs (its constants, its argument parsers) are imported statically.
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
attestationCommands(program);
mdsCommands(program);
passkeyCommands(program);
adminCommands(program);
reportUsageErrorsInOneLine(program);

/** One line on stderr and the exit code that says what kind of failure it was (describe-failure.ts). */
function fail(thrown: unknown): never {
  // One line saying what was wrong and what is accepted (src/cli/usage.ts); 0 for --help/--version.
  if (thrown instanceof CommanderError) exitForCommanderError(thrown);
  const { line, exitCode } = describeFailure(thrown);
  process.stderr.write(`latchkey: ${line}\n`);
  process.exit(exitCode);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
