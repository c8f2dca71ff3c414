import { createWriteStream, readFileSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { EXIT } from '../../errors/exit-codes.js';
import type { ImportSummary } from '../../portability/import-passkeys.js';
import { withStore } from '../cli-context.js';
import { emit } from '../output.js';
import { projectId } from './parse.js';

function readLines(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a JSON Lines file as \`latchkey passkeys export\` writes it`);
  }
}

const describe = (s: ImportSummary): string =>
  `${s.dryRun ? 'dry run: would import' : s.committed ? 'imported' : 'imported nothing; would have imported'} ${s.imported} passkeys (${s.unchanged} unchanged, ${s.usersCreated} new users, ${s.invalid} invalid lines of ${s.lines})`;

/** `latchkey passkeys export|import`: moving passkeys in from another service or out (docs/portability.md). */
export function passkeyCommands(program: Command): void {
  const passkeys = program.command('passkeys').description('export and import a project’s passkeys as JSON Lines (docs/portability.md)');

  passkeys
    .command('export')
    .description('write every passkey of the project, one JSON object per line, to --out or stdout')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .option('--out <file>', 'write here (created with mode 0600: the file names every user) instead of stdout')
    .option('--json', 'with --out: print a summary object')
    .action(async (opts: { project: string; out?: string; json?: boolean }) => {
      if (opts.json && !opts.out) throw new CommanderError(EXIT.config, 'latchkey.jsonNeedsOut', '--json needs --out: without it the passkeys themselves are written to stdout');
      const { exportPasskeys } = await import('../../portability/export-passkeys.js');
      if (!opts.out) {
        await withStore((ctx) => exportPasskeys(ctx, opts.project, (line) => writeOut(process.stdout, line)));
        return;
      }
      // Written next to the target and renamed at the end: a failed export leaves no half file.
      const partial = `${opts.out}.partial`;
      const file = createWriteStream(partial, { mode: 0o600 });
      const exported = await withStore((ctx) => exportPasskeys(ctx, opts.project, (line) => writeOut(file, line)));
      file.end();
      await once(file, 'close');
      renameSync(partial, opts.out);
      emit(opts.json, { projectId: opts.project, exported, out: opts.out }, () => `exported ${exported} passkeys to ${opts.out}`);
    });

  passkeys
    .command('import')
    .description('import passkeys from a JSON Lines file; every line is checked first and, if any fails, nothing is imported (unless --skip-invalid)')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .argument('<file>', 'JSON Lines, one passkey per line', readLines)
    .option('--skip-invalid', 'import the good lines and report the bad ones')
    .option('--dry-run', 'check everything, write nothing')
    .option('--json', 'print one JSON object (the summary, with every line error)')
    .action(async (text: string, opts: { project: string; skipInvalid?: boolean; dryRun?: boolean; json?: boolean }) => {
      // Loaded here: checking imported COSE keys needs the WebAuthn library, no other command does.
      const { importPasskeys } = await import('../../portability/import-passkeys.js');
      const summary = await withStore((ctx) =>
        importPasskeys(ctx, opts.project, text, {
          skipInvalid: opts.skipInvalid === true,
          dryRun: opts.dryRun === true,
          onProgress: (done, total) => process.stderr.write(`latchkey: checked ${done} of ${total} passkeys\n`),
        }),
      );
      for (const e of summary.errors) process.stderr.write(`line ${e.line}: ${e.field ? `${e.field}: ` : ''}${e.message}\n`);
      emit(opts.json, { projectId: opts.project, ...summary }, () => describe(summary));
      // A refused file is a fault of the input, like a bad setting: exit 2, nothing written.
      if (summary.invalid > 0 && !opts.skipInvalid) {
        process.stderr.write(`latchkey: ${summary.invalid} of ${summary.lines} lines are invalid, so nothing was imported; fix them, or pass --skip-invalid to import the rest\n`);
        process.exitCode = EXIT.config;
      }
    });
}

async function writeOut(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(line)) await once(stream, 'drain');
}
