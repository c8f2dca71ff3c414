import { CommanderError, type Command } from 'commander';

/**
 * Bad command lines — unknown command or option, missing argument or value, an id of the wrong
 * shape — are answered with ONE line on stderr saying what was wrong and what the command accepts,
 * and exit code 2. Commander's own multi-line output is silenced so that the line is all there is.
 */

/** A usage error together with the command whose command line it was. */
class UsageError extends CommanderError {
  constructor(
    readonly command: Command,
    error: CommanderError,
  ) {
    super(error.exitCode, error.code, error.message);
  }
}

/** Call once every command is registered. */
export function reportUsageErrorsInOneLine(program: Command): void {
  const visit = (command: Command) => {
    // --help and --version still print to stdout; only error output is silenced (fail() writes the line).
    command.configureOutput({ writeErr: () => {}, outputError: () => {} });
    command.exitOverride((error) => {
      throw new UsageError(command, unknownOptionFirst(command, error));
    });
    command.commands.forEach(visit);
  };
  visit(program);
}

/** Exits for a CommanderError: 0 after --help / --version, else the one line and 2. */
export function exitForCommanderError(error: CommanderError): never {
  if (error.exitCode === 0) process.exit(0);
  const command = error instanceof UsageError ? error.command : undefined;
  process.stderr.write(`latchkey: ${usageLine(error, command)}\n`);
  process.exit(2);
}

/**
 * Commander checks required options before unknown ones, so `--nme x` would be reported as "--name
 * not specified". The typo is the better answer: look for an unknown option on the command line.
 */
function unknownOptionFirst(command: Command, error: CommanderError): CommanderError {
  if (error.code !== 'commander.missingMandatoryOptionValue') return error;
  const path: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
  // main.ts parses process.argv: the words after node and the script.
  const raw = process.argv.slice(2);
  const start = raw.findIndex((arg, i) => path.every((name, j) => raw[i + j] === name));
  if (start < 0) return error;
  const known = new Set(command.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
  const unknown = raw.slice(start + path.length).find((arg) => arg.startsWith('-') && arg !== '-' && !known.has(arg.split('=')[0]!));
  return unknown ? new CommanderError(1, 'commander.unknownOption', `unknown option '${unknown}'`) : error;
}

export function usageLine(error: CommanderError, command: Command | undefined): string {
  const what = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim().replace(/\.$/, '');
  if (!command) return what;
  const path = commandPath(command);
  // A command group called without one of its commands (commander prints its help for that).
  if (error.code === 'commander.help') return `a command is missing; accepted: ${synopsis(command)} (see ${path} --help)`;
  // The parser's message already says what is accepted ("expected a project id: …").
  if (error.code === 'commander.invalidArgument') return `${what} (see ${path} --help)`;
  return `${what}; accepted: ${synopsis(command)} (see ${path} --help)`;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** `latchkey project update <id> [--name <name>] …`: mandatory options bare, optional ones in brackets. */
function synopsis(command: Command): string {
  const path = commandPath(command);
  if (command.commands.length > 0) return `${path} ${command.commands.map((c) => c.name()).join('|')}`;
  const args = command.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
  const options = command.options.filter((o) => !o.hidden).map((o) => (o.mandatory ? o.flags : `[${o.flags}]`));
  return [path, ...args, ...options].join(' ');
}
