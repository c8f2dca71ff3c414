import type { Command } from 'commander';
import { createProject } from '../../projects/create-project.js';
import { getProject, listProjects } from '../../projects/get-project.js';
import type { Project } from '../../projects/project.js';
import { updateProject } from '../../projects/update-project.js';
import { withStore } from '../cli-context.js';
import { emit, table, when } from '../output.js';
import { collect, wholeNumber } from './parse.js';

const describe = (p: Project) =>
  [
    `project   ${p.id}`,
    `name      ${p.name}`,
    `rp id     ${p.rpId}`,
    `rp name   ${p.rpName}`,
    `origins   ${p.origins.join(', ')}`,
    `token ttl ${p.tokenTtl} s`,
    `created   ${when(p.createdAt)}`,
  ].join('\n');

export function projectCommands(program: Command): void {
  const project = program.command('project').description('create, list, show and update projects');

  project
    .command('create')
    .description('create a project with a signing key and a first API secret (the secret is shown only here)')
    .requiredOption('--name <name>', 'a name for people')
    .requiredOption('--rp-id <domain>', 'WebAuthn RP ID: the domain passkeys are bound to, e.g. example.com')
    .requiredOption('--origin <url>', 'an origin the login page runs on (repeatable)', collect, [])
    .option('--rp-name <name>', 'name shown in the passkey dialog (default: --name)')
    .option('--token-ttl <seconds>', 'signedPasskeyData lifetime, 10-600 (default 300)', wholeNumber)
    .option('--json', 'print one JSON object')
    .action(async (opts: { name: string; rpId: string; origin: string[]; rpName?: string; tokenTtl?: number; json?: boolean }) => {
      const { project: p, apiSecret } = await withStore((ctx) =>
        createProject(ctx, {
          name: opts.name,
          rpId: opts.rpId,
          origins: opts.origin,
          ...(opts.rpName !== undefined ? { rpName: opts.rpName } : {}),
          ...(opts.tokenTtl !== undefined ? { tokenTtl: opts.tokenTtl } : {}),
        }),
        { signingKeys: true },
      );
      emit(opts.json, { projectId: p.id, apiSecret: apiSecret.secret, apiSecretId: apiSecret.id, project: p }, () =>
        [describe(p), '', `API secret ${apiSecret.secret}`, `(id ${apiSecret.id}) — store it now: it is shown only once.`].join('\n'),
      );
    });

  project
    .command('list')
    .description('list projects')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const projects = await withStore((ctx) => listProjects(ctx));
      emit(opts.json, { projects }, () =>
        projects.length === 0
          ? 'no projects yet: create one with `latchkey project create`'
          : table([['ID', 'NAME', 'RP ID', 'ORIGINS'], ...projects.map((p) => [p.id, p.name, p.rpId, p.origins.join(',')])]),
      );
    });

  project
    .command('show')
    .description('show one project')
    .argument('<id>', 'project id (pro-…)')
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { json?: boolean }) => {
      const p = await withStore((ctx) => getProject(ctx, id));
      emit(opts.json, { project: p }, () => describe(p));
    });

  project
    .command('update')
    .description('change a project; --origin replaces the whole origin list (the RP ID cannot change)')
    .argument('<id>', 'project id (pro-…)')
    .option('--name <name>', 'a name for people')
    .option('--rp-name <name>', 'name shown in the passkey dialog')
    .option('--origin <url>', 'an origin (repeatable; replaces the list)', collect)
    .option('--token-ttl <seconds>', 'signedPasskeyData lifetime, 10-600', wholeNumber)
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { name?: string; rpName?: string; origin?: string[]; tokenTtl?: number; json?: boolean }) => {
      const p = await withStore((ctx) =>
        updateProject(ctx, id, {
          ...(opts.name !== undefined ? { name: opts.name } : {}),
          ...(opts.rpName !== undefined ? { rpName: opts.rpName } : {}),
          ...(opts.origin !== undefined ? { origins: opts.origin } : {}),
          ...(opts.tokenTtl !== undefined ? { tokenTtl: opts.tokenTtl } : {}),
        }),
      );
      emit(opts.json, { project: p }, () => describe(p));
    });
}
