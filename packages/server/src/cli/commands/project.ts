import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import type { ProjectContents } from '../../projects/delete-project.js';
import type { Project } from '../../projects/project.js';
import { labelLimitWarning } from '../../projects/related-origins.js';
import { iosAppId } from '../../projects/validate-apps.js';
import { WELL_KNOWN_PATHS, wellKnownDocuments, type WellKnownDocuments } from '../../projects/well-known-documents.js';
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
    `related   ${p.relatedOrigins.join(', ') || '-'}`,
    `android   ${p.androidApps.map((app) => `${app.packageName}:${app.sha256CertFingerprint}`).join(', ') || '-'}`,
    `ios       ${p.iosApps.map(iosAppId).join(', ') || '-'}`,
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
    .option('--related-origin <url>', 'an https origin on another domain that shares the RP ID (repeatable)', collect)
    .option('--android-app <package:sha256>', 'an Android app: package name and signing-certificate SHA-256 in colon hex (repeatable)', collect)
    .option('--ios-app <teamid.bundle>', 'an iOS app: team ID and bundle ID, e.g. ABCDE12345.com.example.shop (repeatable)', collect)
    .option('--json', 'print one JSON object')
    .action(async (opts: CreateOptions) => {
      const { createProject } = await import('../../projects/create-project.js');
      const { project: p, apiSecret } = await withStore((ctx) =>
        createProject(ctx, {
          name: opts.name,
          rpId: opts.rpId,
          origins: opts.origin,
          ...(opts.rpName !== undefined ? { rpName: opts.rpName } : {}),
          ...(opts.tokenTtl !== undefined ? { tokenTtl: opts.tokenTtl } : {}),
          ...(opts.relatedOrigin !== undefined ? { relatedOrigins: opts.relatedOrigin } : {}),
          ...(opts.androidApp !== undefined ? { androidApps: opts.androidApp } : {}),
          ...(opts.iosApp !== undefined ? { iosApps: opts.iosApp } : {}),
        }),
        { signingKeys: true },
      );
      await warnAbout(p);
      emit(opts.json, { projectId: p.id, apiSecret: apiSecret.secret, apiSecretId: apiSecret.id, project: p }, () =>
        [describe(p), '', `API secret ${apiSecret.secret}`, `(id ${apiSecret.id}) — store it now: it is shown only once.`].join('\n'),
      );
    });

  project
    .command('list')
    .description('list projects')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const { listProjects } = await import('../../projects/get-project.js');
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
      const { getProject } = await import('../../projects/get-project.js');
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
    .option('--add-related-origin <url>', 'add an https origin on another domain that shares the RP ID (repeatable)', collect)
    .option('--remove-related-origin <url>', 'remove a related origin (repeatable)', collect)
    .option('--add-android-app <package:sha256>', 'add an Android app: package name and signing-certificate SHA-256 in colon hex (repeatable)', collect)
    .option('--remove-android-app <package[:sha256]>', 'remove an Android app (one fingerprint, or the package with all of them; repeatable)', collect)
    .option('--add-ios-app <teamid.bundle>', 'add an iOS app: team ID and bundle ID, e.g. ABCDE12345.com.example.shop (repeatable)', collect)
    .option('--remove-ios-app <teamid.bundle>', 'remove an iOS app (repeatable)', collect)
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
        ...(opts.addRelatedOrigin !== undefined ? { addRelatedOrigins: opts.addRelatedOrigin } : {}),
        ...(opts.removeRelatedOrigin !== undefined ? { removeRelatedOrigins: opts.removeRelatedOrigin } : {}),
        ...(opts.addAndroidApp !== undefined ? { addAndroidApps: opts.addAndroidApp } : {}),
        ...(opts.removeAndroidApp !== undefined ? { removeAndroidApps: opts.removeAndroidApp } : {}),
        ...(opts.addIosApp !== undefined ? { addIosApps: opts.addIosApp } : {}),
        ...(opts.removeIosApp !== undefined ? { removeIosApps: opts.removeIosApp } : {}),
      };
      if (Object.keys(changes).length === 0) command.error('nothing to change', { code: 'latchkey.nothingToChange' });
      const { updateProject } = await import('../../projects/update-project.js');
      const p = await withStore((ctx) => updateProject(ctx, id, changes));
      await warnAbout(p);
      emit(opts.json, { project: p }, () => describe(p));
    });

  project
    .command('well-known')
    .description('print the documents to host on https://<RP ID>/.well-known/ for native apps and related origins')
    .argument('<id>', 'project id (pro-…)', projectId)
    .option('--only <document>', `print just one document, as the file's content: ${DOCUMENT_NAMES.join(', ')}`, documentName)
    .option('--json', 'print one JSON object (all three documents, or the one named by --only)')
    .action(async (id: string, opts: { only?: keyof WellKnownDocuments; json?: boolean }) => {
      const { getProject } = await import('../../projects/get-project.js');
      const p = await withStore((ctx) => getProject(ctx, id));
      const documents = wellKnownDocuments(p);
      if (opts.only) {
        const document = documents[opts.only];
        process.stdout.write(opts.json ? `${JSON.stringify(document)}\n` : `${JSON.stringify(document, null, 2)}\n`);
        return;
      }
      emit(opts.json, documents, () => describeWellKnown(p, documents));
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
      const [{ getProject }, { deleteProject, projectContents }] = await Promise.all([
        import('../../projects/get-project.js'),
        import('../../projects/delete-project.js'),
      ]);
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

interface CreateOptions {
  name: string;
  rpId: string;
  origin: string[];
  rpName?: string;
  tokenTtl?: number;
  relatedOrigin?: string[];
  androidApp?: string[];
  iosApp?: string[];
  json?: boolean;
}

interface UpdateOptions {
  name?: string;
  rpName?: string;
  origin?: string[];
  addOrigin?: string[];
  removeOrigin?: string[];
  tokenTtl?: number;
  addRelatedOrigin?: string[];
  removeRelatedOrigin?: string[];
  addAndroidApp?: string[];
  removeAndroidApp?: string[];
  addIosApp?: string[];
  removeIosApp?: string[];
  json?: boolean;
}

/** `--only` names a document by its file name under /.well-known/. */
const DOCUMENTS: Record<string, keyof WellKnownDocuments> = {
  'assetlinks': 'assetlinks',
  'apple-app-site-association': 'appleAppSiteAssociation',
  'webauthn': 'webauthn',
};
const DOCUMENT_NAMES = Object.keys(DOCUMENTS);

function documentName(value: string): keyof WellKnownDocuments {
  const key = DOCUMENTS[value];
  if (!key) throw new InvalidArgumentError(`expected one of ${DOCUMENT_NAMES.join(', ')}`);
  return key;
}

function describeWellKnown(p: Project, documents: WellKnownDocuments): string {
  const listed: Record<keyof WellKnownDocuments, string | undefined> = {
    assetlinks: p.androidApps.length === 0 ? 'no Android apps (add one with --add-android-app)' : undefined,
    appleAppSiteAssociation: p.iosApps.length === 0 ? 'no iOS apps (add one with --add-ios-app)' : undefined,
    webauthn: p.relatedOrigins.length === 0 ? 'no related origins (add one with --add-related-origin)' : undefined,
  };
  return (Object.keys(WELL_KNOWN_PATHS) as Array<keyof WellKnownDocuments>)
    .map((key) => {
      const where = `# https://${p.rpId}${WELL_KNOWN_PATHS[key]}`;
      return listed[key] ? `${where}: nothing to host, ${listed[key]}` : `${where}\n${JSON.stringify(documents[key], null, 2)}`;
    })
    .join('\n\n');
}

/** Settings that are valid but will not work as the operator expects: said on stderr, stdout stays clean. */
async function warnAbout(p: Project): Promise<void> {
  const warnings: string[] = [];
  const labels = await labelLimitWarning(p.relatedOrigins);
  if (labels) warnings.push(labels);
  // An iOS app's ceremony carries origin https://<RP ID> (its associated domain).
  const iosOrigin = `https://${p.rpId}`;
  if (p.iosApps.length > 0 && !p.origins.includes(iosOrigin)) {
    warnings.push(`iOS apps sign with origin ${iosOrigin}, which is not one of the project's origins; allow it with --add-origin ${iosOrigin}`);
  }
  for (const warning of warnings) process.stderr.write(`latchkey: warning: ${warning}\n`);
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
