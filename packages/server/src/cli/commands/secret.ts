import type { Command } from 'commander';
import { withStore } from '../cli-context.js';
import { emit, table, when } from '../output.js';
import { apiSecretId, projectId } from './parse.js';

export function secretCommands(program: Command): void {
  const secret = program.command('secret').description('API secrets of a project (Backend API credentials)');

  secret
    .command('create')
    .description('create an API secret (shown only here)')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const [{ getProject }, { createApiSecret }] = await Promise.all([
        import('../../projects/get-project.js'),
        import('../../secrets/create-api-secret.js'),
      ]);
      const created = await withStore(async (ctx) => {
        await getProject(ctx, opts.project);
        return createApiSecret(ctx, opts.project);
      });
      emit(opts.json, { apiSecretId: created.id, apiSecret: created.secret, projectId: created.projectId }, () =>
        [`API secret ${created.secret}`, `(id ${created.id}) — store it now: it is shown only once.`].join('\n'),
      );
    });

  secret
    .command('list')
    .description('list API secrets (hints only; secrets are never shown again)')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const { listApiSecrets } = await import('../../secrets/manage-api-secrets.js');
      const secrets = await withStore((ctx) => listApiSecrets(ctx, opts.project));
      emit(opts.json, { secrets }, () =>
        table([
          ['ID', 'ENDS WITH', 'CREATED', 'LAST USED', 'REVOKED'],
          ...secrets.map((s) => [s.id, `…${s.hint}`, when(s.createdAt), when(s.lastUsedAt), when(s.revokedAt)]),
        ]),
      );
    });

  secret
    .command('revoke')
    .description('revoke an API secret at once, on every instance')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .argument('<secretId>', 'secret id (sec-…), from `secret list`', apiSecretId)
    .option('--json', 'print one JSON object')
    .action(async (secretId: string, opts: { project: string; json?: boolean }) => {
      const { revokeApiSecret } = await import('../../secrets/manage-api-secrets.js');
      const revoked = await withStore((ctx) => revokeApiSecret(ctx, opts.project, secretId));
      emit(opts.json, { secret: revoked }, () => `revoked ${revoked.id} at ${when(revoked.revokedAt)}`);
    });
}
