import type { Ctx } from '../context.js';
import { createConnectToken } from '../connect-tokens/connect-tokens.js';
import { badRequest, gone, notFound } from '../errors/latchkey-error.js';
import { hashLookupSecret } from '../secrets/secret-hash.js';
import { inTransaction } from '../store/in-transaction.js';
import { nowSeconds } from '../util/clock.js';
import { randomBase62 } from '../util/ids.js';
import { ROLES, type Role } from './admins.js';

/** Long enough to copy a link into a browser, short enough that a leaked terminal log soon means nothing. */
export const INVITE_TTL = 15 * 60;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

export function validateEmail(email: string): string {
  const trimmed = email.trim();
  if (!EMAIL.test(trimmed)) throw badRequest('invalid_email', `"${email}" is not an email address (name@example.com)`);
  return trimmed.toLowerCase();
}

export function validateRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw badRequest('invalid_role', `role must be one of ${ROLES.join(', ')}, got "${role}"`);
  return role as Role;
}

/** A single-use invite; the returned token goes into the link and is stored only as a hash. */
export async function createInvite(ctx: Ctx, email: string, role: string): Promise<{ token: string; email: string; role: Role; expiresAt: number }> {
  const normalized = validateEmail(email);
  const checkedRole = validateRole(role);
  const token = `inv1_${randomBase62(32)}`;
  const now = nowSeconds(ctx.clock);
  await ctx.store.db
    .insertInto('console_invites')
    .values({ id: `inv-${randomBase62(16)}`, token_hash: hashLookupSecret(token), email: normalized, role: checkedRole, created_at: now, expires_at: now + INVITE_TTL, used_at: null })
    .execute();
  return { token, email: normalized, role: checkedRole, expiresAt: now + INVITE_TTL };
}

/**
 * Spends an invite (one UPDATE that only an unused, unexpired invite passes, so two browsers
 * racing with one link cannot both win), makes its holder an administrator, and returns a connect
 * token that lets their browser append a passkey in the console's project.
 */
export async function redeemInvite(ctx: Ctx, consoleProjectId: string, token: string): Promise<{ email: string; role: Role; connectToken: string }> {
  const hash = hashLookupSecret(token);
  const now = nowSeconds(ctx.clock);
  return inTransaction(ctx, async (txCtx) => {
    const spent = await txCtx.store.db
      .updateTable('console_invites')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) {
      const invite = await txCtx.store.db.selectFrom('console_invites').select(['used_at']).where('token_hash', '=', hash).executeTakeFirst();
      if (!invite) throw notFound('invite_not_found', 'this invite link is not valid: ask an owner for a new one (latchkey admin invite)');
      if (invite.used_at !== null) throw gone('invite_used', 'this invite link was already used: ask an owner for a new one');
      throw gone('invite_expired', 'this invite link has expired: ask an owner for a new one (latchkey admin invite)');
    }
    const invite = await txCtx.store.db.selectFrom('console_invites').selectAll().where('token_hash', '=', hash).executeTakeFirstOrThrow();
    const role = validateRole(invite.role);
    const connectToken = await createConnectToken(txCtx, consoleProjectId, 'passkey-append', { identifier: invite.email });
    const user = await txCtx.store.db.selectFrom('connect_tokens').select('user_id').where('id', '=', connectToken.id).executeTakeFirstOrThrow();
    await txCtx.store.db
      .insertInto('console_admins')
      .values({ id: `adm-${randomBase62(16)}`, email: invite.email, role, user_id: user.user_id, created_at: now, last_login_at: null })
      .onConflict((oc) => oc.column('email').doUpdateSet({ role, user_id: user.user_id }))
      .execute();
    return { email: invite.email, role, connectToken: connectToken.secret };
  });
}
