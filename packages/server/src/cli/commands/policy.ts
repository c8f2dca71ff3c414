import { InvalidArgumentError, type Command } from 'commander';
import { OS_FAMILIES, type OsFamily } from '../../adoption/client-info.js';
import type { Policy, PolicyPatch } from '../../adoption/policy/policy.js';
import { badRequest } from '../../errors/latchkey-error.js';
import { withStore } from '../cli-context.js';
import { emit } from '../output.js';

const onOff = (value: string): boolean => {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new InvalidArgumentError('must be on or off');
};

const percent = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a whole number from 0 to 100');
  return n;
};

/** `ios,android` or repeated options; `all` (allow) / `none` (deny) empties the list. */
const families = (empty: string) => (value: string, previous: OsFamily[] | undefined): OsFamily[] => {
  if (value === empty) return [];
  const added = value.split(',').map((f) => f.trim());
  for (const f of added) {
    if (!(OS_FAMILIES as readonly string[]).includes(f)) throw new InvalidArgumentError(`"${f}" is not one of ${OS_FAMILIES.join(', ')} (or ${empty})`);
  }
  return [...new Set([...(previous ?? []), ...(added as OsFamily[])])];
};

const backoffDays = (value: string): number[] => {
  const days = value.split(',').map((d) => Number(d.trim()));
  if (days.length < 1 || days.length > 10 || days.some((d) => !Number.isInteger(d) || d < 0 || d > 3650)) {
    throw new InvalidArgumentError('must be 1 to 10 whole numbers of days (0-3650), comma-separated, e.g. 1,7,30');
  }
  return days;
};

const onOffWord = (b: boolean) => (b ? 'on' : 'off');

export const describePolicy = (projectId: string, p: Policy): string =>
  [
    `project            ${projectId}`,
    `login              ${onOffWord(p.login.enabled)}, rollout ${p.login.rolloutPercent} %`,
    `append             ${onOffWord(p.append.enabled)}, rollout ${p.append.rolloutPercent} %`,
    `platforms          allow ${p.platforms.allow.length === 0 ? 'all' : p.platforms.allow.join(', ')}; deny ${p.platforms.deny.length === 0 ? 'none' : p.platforms.deny.join(', ')}`,
    `nudge back-off     ${p.nudge.backoffDays.join(', ')} days`,
    `conditional create ${onOffWord(p.conditionalCreate)}`,
    `one-tap            ${onOffWord(p.oneTap)}`,
  ].join('\n');

interface SetOptions {
  project: string;
  login?: boolean;
  append?: boolean;
  loginRollout?: number;
  appendRollout?: number;
  allowPlatform?: OsFamily[];
  denyPlatform?: OsFamily[];
  backoffDays?: number[];
  conditionalCreate?: boolean;
  oneTap?: boolean;
  json?: boolean;
}

/** Only what was given: the rest of the stored policy stays as it is. */
function patchOf(o: SetOptions): PolicyPatch {
  const flow = (enabled?: boolean, rolloutPercent?: number) =>
    enabled === undefined && rolloutPercent === undefined
      ? undefined
      : { ...(enabled !== undefined ? { enabled } : {}), ...(rolloutPercent !== undefined ? { rolloutPercent } : {}) };
  const login = flow(o.login, o.loginRollout);
  const append = flow(o.append, o.appendRollout);
  return {
    ...(login ? { login } : {}),
    ...(append ? { append } : {}),
    ...(o.allowPlatform || o.denyPlatform
      ? { platforms: { ...(o.allowPlatform ? { allow: o.allowPlatform } : {}), ...(o.denyPlatform ? { deny: o.denyPlatform } : {}) } }
      : {}),
    ...(o.backoffDays ? { nudge: { backoffDays: o.backoffDays } } : {}),
    ...(o.conditionalCreate !== undefined ? { conditionalCreate: o.conditionalCreate } : {}),
    ...(o.oneTap !== undefined ? { oneTap: o.oneTap } : {}),
  };
}

export function policyCommands(program: Command): void {
  const policy = program.command('policy').description('show and change a project’s adoption policy (kill switches, rollout, platforms, nudges)');

  policy
    .command('show')
    .description('show the policy')
    .requiredOption('--project <id>', 'project id (pro-…)')
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const [{ getProject }, { readPolicy }] = await Promise.all([
        import('../../projects/get-project.js'),
        import('../../adoption/policy/policy-cache.js'),
      ]);
      const p = await withStore(async (ctx) => {
        await getProject(ctx, opts.project);
        return readPolicy(ctx, opts.project);
      });
      emit(opts.json, { projectId: opts.project, policy: p }, () => describePolicy(opts.project, p));
    });

  policy
    .command('set')
    .description('change parts of the policy; every running instance obeys within 5 seconds; audited as policy-changed (actor cli)')
    .requiredOption('--project <id>', 'project id (pro-…)')
    .option('--login <on|off>', 'passkey login (off = kill switch)', onOff)
    .option('--append <on|off>', 'adding passkeys (off = kill switch)', onOff)
    .option('--login-rollout <percent>', 'share of users, 0-100, who may log in with a passkey', percent)
    .option('--append-rollout <percent>', 'share of users, 0-100, who are offered a passkey', percent)
    .option('--allow-platform <families>', `only these OS families (${OS_FAMILIES.join(', ')}); repeatable or comma-separated; "all" clears`, families('all'))
    .option('--deny-platform <families>', 'never these OS families; repeatable or comma-separated; "none" clears', families('none'))
    .option('--backoff-days <days>', 'back-off after the 1st, 2nd, … dismissed offer, e.g. 1,7,30', backoffDays)
    .option('--conditional-create <on|off>', 'automatic passkey upgrade after a password login', onOff)
    .option('--one-tap <on|off>', 'let the browser remember the last account', onOff)
    .option('--json', 'print one JSON object')
    .action(async (opts: SetOptions) => {
      const patch = patchOf(opts);
      if (Object.keys(patch).length === 0) throw badRequest('nothing_to_change', 'nothing to change: give at least one option (see latchkey policy set --help)');
      const { updatePolicy } = await import('../../adoption/policy/update-policy.js');
      const p = await withStore((ctx) => updatePolicy(ctx, opts.project, patch, 'cli'));
      emit(opts.json, { projectId: opts.project, policy: p }, () => describePolicy(opts.project, p));
    });
}
