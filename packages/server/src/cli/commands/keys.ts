import type { Command } from 'commander';
import { withStore } from '../cli-context.js';
import { emit, table, when } from '../output.js';
import { projectId } from './parse.js';

export function keyCommands(program: Command): void {
  const keys = program.command('keys').description('signing keys of signedPasskeyData');

  keys
    .command('rotate')
    .description('add a key that signs from now on; older keys stay in the JWKS until their tokens have expired')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const { rotateSigningKey } = await import('../../keys/signing-keys.js');
      const result = await withStore((ctx) => rotateSigningKey(ctx, opts.project), { signingKeys: true });
      emit(opts.json, result, () => `now signing with ${result.active}; rotated out: ${result.rotated.join(', ') || 'none'}`);
    });

  keys
    .command('list')
    .description('list signing keys: active (signs), rotated (still in the JWKS), retired')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const { listSigningKeys } = await import('../../keys/signing-keys.js');
      const list = await withStore((ctx) => listSigningKeys(ctx, opts.project));
      emit(opts.json, { keys: list }, () =>
        table([['KID', 'STATUS', 'CREATED', 'ROTATED', 'LEAVES JWKS'], ...list.map((k) => [k.kid, k.status, when(k.createdAt), when(k.rotatedAt), when(k.retireAt)])]),
      );
    });
}
