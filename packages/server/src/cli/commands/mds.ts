import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { readMdsBlobInfo, staleWarning, type MdsBlobInfo } from '../../attestation/mds-blob-info.js';
import { withStore } from '../cli-context.js';
import { emit, when } from '../output.js';

const describe = (info: MdsBlobInfo): string =>
  [`mds blob     no ${info.no}`, `entries      ${info.entries}`, `next update  ${info.nextUpdate}${info.stale ? ' (stale)' : ''}`, `imported     ${when(info.importedAt)}`].join('\n');

/** The file's text, or a usage error (exit 2) that names the file. */
function blobFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): give the path of a BLOB downloaded from https://mds3.fidoalliance.org/`);
  }
}

export function mdsCommands(program: Command): void {
  const mds = program.command('mds').description('the FIDO Metadata Service (MDS3) data the mds attestation policy checks against');

  mds
    .command('import')
    .description('verify a downloaded MDS3 BLOB against the FIDO Alliance root and store its entries (works offline)')
    .argument('<blob.jwt>', 'the BLOB file, as downloaded from https://mds3.fidoalliance.org/', blobFile)
    .option('--json', 'print one JSON object')
    .action(async (blob: string, opts: { json?: boolean }) => {
      // Loaded here: checking a BLOB's signature chain needs the X.509 libraries, no other command does.
      const { importMdsBlob } = await import('../../attestation/import-mds-blob.js');
      const info = await withStore((ctx) => importMdsBlob(ctx, blob));
      if (info.stale) process.stderr.write(`latchkey: warning: ${staleWarning(info)}\n`);
      emit(opts.json, info, () => describe(info));
    });

  mds
    .command('show')
    .description('show the imported BLOB: serial number, entries, nextUpdate')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const info = await withStore((ctx) => readMdsBlobInfo(ctx));
      if (info?.stale) process.stderr.write(`latchkey: warning: ${staleWarning(info)}\n`);
      emit(opts.json, { mds: info ?? null }, () => (info ? describe(info) : 'no MDS BLOB imported yet: `latchkey mds import <blob.jwt>`'));
    });
}
