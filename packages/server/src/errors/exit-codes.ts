/**
 * Exit codes of the `latchkey` command (docs/operations.md has the table). A supervisor can tell
 * a setting that will not fix itself (2) from a store that may come back (4): systemd's
 * `RestartPreventExitStatus=2` stops a restart loop on a typo.
 */
export const EXIT = {
  ok: 0,
  /** A bug: the message and stack trace belong in an issue. */
  unexpected: 1,
  /** A setting, an argument or the key-encryption key is wrong. */
  config: 2,
  /** A project, secret or key named on the command line does not exist. */
  notFound: 3,
  /** The database cannot be used: unreachable, missing, read-only, full, corrupt, no grants. */
  store: 4,
  /** The server cannot listen: the port is taken, or the address is not this machine's. */
  listen: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A reason not to start or not to go on, told to the operator in one line (no stack trace): the
 * CLI prints `latchkey: <message>` and exits with `exitCode`.
 */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
