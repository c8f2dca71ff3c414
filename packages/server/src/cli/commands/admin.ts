import { InvalidArgumentError, type Command } from 'commander';
import { publicUrlOf } from '../../config/config.js';
import { INVITE_TTL } from '../../console/invites.js';
import { ROLES } from '../../console/admins.js';
import { withStore } from '../cli-context.js';
import { emit, when } from '../output.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

function email(value: string): string {
  if (!EMAIL.test(value.trim())) throw new InvalidArgumentError('expected an email address, e.g. ops@example.com');
  return value.trim();
}

function role(value: string): string {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
}

export function adminCommands(program: Command): void {
  const admin = program.command('admin').description('administrators of the operator console (/console)');

  admin
    .command('invite')
    .description(`print a single-use link (valid ${INVITE_TTL / 60} minutes) that registers an administrator's passkey`)
    .argument('<email>', 'the administrator\'s email address: their login name in the console', email)
    .option('--role <role>', `${ROLES.join(' or ')}: owners change things, viewers only look`, role, 'owner')
    .option('--json', 'print one JSON object')
    .action(async (address: string, opts: { role: string; json?: boolean }) => {
      const { createInvite } = await import('../../console/invites.js');
      const { invite, link } = await withStore(async (ctx, config) => {
        const created = await createInvite(ctx, address, opts.role);
        // The secret rides in the fragment: browsers never send it to a server or a proxy log.
        return { invite: created, link: `${publicUrlOf(config)}/console/#/invite/${created.token}` };
      });
      emit(opts.json, { link, email: invite.email, role: invite.role, expiresAt: invite.expiresAt }, () =>
        [`Invite for ${invite.email} (${invite.role}), single use, valid until ${when(invite.expiresAt)}:`, link, 'Open it in the browser that should hold the passkey.'].join('\n'),
      );
    });
}
