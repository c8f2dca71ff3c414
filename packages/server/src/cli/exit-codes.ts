/** The exit codes, as `latchkey --help` lists them (docs/operations.md "CLI exit codes" says the same). */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  done',
  '  1  unexpected fault (details on stderr), or `project delete` not confirmed at the prompt',
  '  2  bad input: a usage error (unknown command or option, missing argument or value, malformed id),',
  '     a refused value (origin, RP ID, token lifetime …), bad configuration, or the database cannot be reached',
  '  3  not found: no such project or API secret',
].join('\n');
