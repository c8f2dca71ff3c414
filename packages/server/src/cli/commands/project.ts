import { CommanderError, type Command } from 'commander';
import { createProject } from '../../projects/create-project.js';
import { deleteProject, projectContents, type ProjectContents } from '../../projects/delete-project.js';
import { getProject, listProjects } from '../../projects/get-project.js';
import type { Project } from '../../projects/project.js';
import { updateProject } from '../../projects/update-project.js';
import { withStore } from '../cli-context.js';
import { canAsk, confirm } from '../confirm.js';
import { emit, table, when } from '../output.js';
import { collect, projectId, wholeNumber } from './parse.js';

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
  const project = program.command('project').description('create, list, show, update and delete projects');

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
    .argument('<id>', 'project id (pro-…)', projectId)
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { json?: boolean }) => {
      const p = await withStore((ctx) => getProject(ctx, id));
      emit(opts.json, { project: p }, () => describe(p));
    });

  project
    .command('update')
    .description('change a project\'s settings, validated as at create (the RP ID cannot change: passkeys are bound to it)')
    .argument('<id>', 'project id (pro-…)', projectId)
    .option('--name <name>', 'a name for people')
    .option('--rp-name <name>', 'name shown in the passkey dialog')
    .option('--origin <url>', 'an origin (repeatable; replaces the whole list)', collect)
    .option('--add-origin <url>', 'add an origin (repeatable)', collect)
    .option('--remove-origin <url>', 'remove an origin (repeatable; one must stay)', collect)
    .option('--token-ttl <seconds>', 'signedPasskeyData lifetime, 10-600', wholeNumber)
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: UpdateOptions, command: Command) => {
      if (opts.origin && (opts.addOrigin || opts.removeOrigin)) {
        command.error('--origin replaces the list: use it alone, or --add-origin / --remove-origin', { code: 'latchkey.conflictingOrigins' });
      }
      const changes = {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.rpName !== undefined ? { rpName: opts.rpName } : {}),
        ...(opts.origin !== undefined ? { origins: opts.origin } : {}),
        ...(opts.addOrigin !== undefined ? { addOrigins: opts.addOrigin } : {}),
        ...(opts.removeOrigin !== undefined ? { removeOrigins: opts.removeOrigin } : {}),
        ...(opts.tokenTtl !== undefined ? { tokenTtl: opts.tokenTtl } : {}),
      };
      if (Object.keys(changes).length === 0) command.error('nothing to change', { code: 'latchkey.nothingToChange' });
      const p = await withStore((ctx) => updateProject(ctx, id, changes));
      emit(opts.json, { project: p }, () => describe(p));
    });

  project
    .command('delete')
    .description('delete a project and everything in it: users, passkeys, API secrets, signing keys, connect tokens, events')
    .argument('<id>', 'project id (pro-…)', projectId)
    .option('--yes', 'do not ask; required when not run in a terminal')
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { yes?: boolean; json?: boolean }) => {
      const ask = !opts.yes;
      // A script cannot answer the question: without --yes it must not delete, nor hang waiting.
      if (ask && !canAsk()) {
        throw new CommanderError(2, 'latchkey.confirmationNeeded', `project delete asks for confirmation in a terminal; pass --yes to delete ${id} without asking`);
      }
      const outcome = await withStore(async (ctx) => {
        const p = await getProject(ctx, id);
        if (ask) {
          const question = `Delete project ${p.id} "${p.name}" (RP ID ${p.rpId}) with ${summarize(await projectContents(ctx, id))}? This cannot be undone.`;
          if (!(await confirm(question))) return undefined;
        }
        return { project: p, deleted: await deleteProject(ctx, id) };
      });
      if (!outcome) {
        process.stderr.write('latchkey: not deleted (answer y to delete, or pass --yes)\n');
        process.exitCode = 1;
        return;
      }
      emit(opts.json, { projectId: outcome.project.id, deleted: outcome.deleted }, () => `deleted ${outcome.project.id} "${outcome.project.name}": ${summarize(outcome.deleted)}`);
    });
}

interface UpdateOptions {
  name?: string;
  rpName?: string;
  origin?: string[];
  addOrigin?: string[];
  removeOrigin?: string[];
  tokenTtl?: number;
  json?: boolean;
}

function summarize(contents: ProjectContents): string {
  return [
    `${contents.users} users`,
    `${contents.passkeys} passkeys`,
    `${contents.apiSecrets} API secrets`,
    `${contents.signingKeys} signing keys`,
    `${contents.connectTokens} connect tokens`,
    `${contents.passkeyEvents} events`,
  ].join(', ');
}
