import type { Ctx } from '../context.js';
import { conflict, forbidden, gone, notFound, unauthorized } from '../errors/latchkey-error.js';
import { recordEvent } from '../events/record-event.js';
import { hashLookupSecret } from '../secrets/secret-hash.js';
import { inTransaction } from '../store/in-transaction.js';
import type { ConnectTokenRow } from '../store/schema.js';
import { findOrCreateUser, findUserByIdentifier } from '../users/users.js';
import { nowSeconds } from '../util/clock.js';
import { ID_PATTERNS, newConnectTokenId, newConnectTokenSecret } from '../util/ids.js';
import { CONNECT_TOKEN_TTL, connectTokenStatus, type ConnectTokenStatus, type ConnectTokenType } from './connect-token.js';

export interface CreatedConnectToken {
  id: string;
  secret: string;
  type: ConnectTokenType;
  status: 'initial';
  expires: number;
}

export interface ConnectTokenInfo {
  id: string;
  type: ConnectTokenType;
  status: ConnectTokenStatus;
  userID: string;
  createdAt: number;
  expires: number;
}

/**
 * A connect token lets one browser do one thing for one user the app has already logged in.
 * `passkey-append` creates the user on first use; the others need an existing user.
 */
export async function createConnectToken(
  ctx: Ctx,
  projectId: string,
  type: ConnectTokenType,
  data: { identifier: string; displayName?: string },
): Promise<CreatedConnectToken> {
  const user =
    type === 'passkey-append'
      ? await findOrCreateUser(ctx, projectId, data.identifier, data.displayName || data.identifier)
      : await findUserByIdentifier(ctx, projectId, data.identifier);
  if (!user) throw notFound('user_not_found', `no user with identifier "${data.identifier}" in this project`);
  const secret = newConnectTokenSecret();
  const now = nowSeconds(ctx.clock);
  const row = {
    id: newConnectTokenId(),
    project_id: projectId,
    user_id: user.id,
    type,
    secret_hash: hashLookupSecret(secret),
    created_at: now,
    expires_at: now + CONNECT_TOKEN_TTL,
    used_at: null,
    revoked_at: null,
  };
  await ctx.store.db.insertInto('connect_tokens').values(row).execute();
  return { id: row.id, secret, type, status: 'initial', expires: row.expires_at };
}

/**
 * The live token behind a secret, or the precise reason it cannot be used. Reading it does not
 * spend it: `spendConnectToken` does that, atomically, when the action succeeds.
 */
export async function redeemableConnectToken(ctx: Ctx, projectId: string, secret: string, type: ConnectTokenType): Promise<ConnectTokenRow> {
  const row = ID_PATTERNS.connectTokenSecret.test(secret)
    ? await ctx.store.db.selectFrom('connect_tokens').selectAll().where('secret_hash', '=', hashLookupSecret(secret)).executeTakeFirst()
    : undefined;
  // A token of another project is indistinguishable from an unknown one.
  if (!row || row.project_id !== projectId) throw unauthorized('connect_token_invalid', 'the connect token is not valid for this project');
  if (row.type !== type) throw forbidden('connect_token_wrong_type', `this connect token is for ${row.type}, not ${type}`);
  assertUnspent(row, nowSeconds(ctx.clock));
  return row;
}

/**
 * An open process carries its token's id, not its secret: this re-checks that the token is still
 * usable (not spent by a parallel process, not revoked, not expired) before the next step.
 */
export async function assertConnectTokenUsable(ctx: Ctx, projectId: string, tokenId: string | null): Promise<void> {
  const row = await ctx.store.db
    .selectFrom('connect_tokens')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', tokenId ?? '')
    .executeTakeFirst();
  // Gone altogether: its user was deleted (with their tokens), or housekeeping pruned it.
  if (!row) throw unauthorized('connect_token_invalid', 'the connect token of this process no longer exists');
  assertUnspent(row, nowSeconds(ctx.clock));
}

function assertUnspent(row: ConnectTokenRow, now: number): void {
  const status = connectTokenStatus(row, now);
  if (status === 'consumed') throw conflict('connect_token_spent', 'the connect token was already used; ask the app for a new one');
  if (status === 'revoked') throw unauthorized('connect_token_revoked', 'the app revoked this connect token; ask the app for a new one');
  if (status === 'expired') throw gone('connect_token_expired', 'the connect token has expired; ask the app for a new one');
}

/**
 * Spends the token in one conditional write: of any number of concurrent spenders exactly one
 * succeeds, on any instance. The others get the precise reason — spent (409), revoked (401) or
 * expired (410) — from a read that only explains, never decides.
 */
export async function spendConnectToken(ctx: Ctx, projectId: string, tokenId: string | null): Promise<void> {
  const now = nowSeconds(ctx.clock);
  const result = await ctx.store.db
    .updateTable('connect_tokens')
    .set({ used_at: now })
    .where('project_id', '=', projectId)
    .where('id', '=', tokenId ?? '')
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return;
  await assertConnectTokenUsable(ctx, projectId, tokenId);
  throw conflict('connect_token_spent', 'the connect token was already used; ask the app for a new one');
}

export async function listConnectTokens(ctx: Ctx, projectId: string, identifier: string): Promise<ConnectTokenInfo[]> {
  const user = await findUserByIdentifier(ctx, projectId, identifier);
  if (!user) return [];
  const now = nowSeconds(ctx.clock);
  const rows = await ctx.store.db
    .selectFrom('connect_tokens')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('user_id', '=', user.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    // Only create writes this column, and it takes one of the three types.
    type: row.type as ConnectTokenType,
    status: connectTokenStatus(row, now),
    userID: row.user_id,
    createdAt: row.created_at,
    expires: row.expires_at,
  }));
}

/**
 * Revokes a token before use (the app logged the user out, say). The row stays, with status
 * `revoked`, and the revocation is an event of the user's trail. One conditional write decides, so
 * that a revocation racing a use has exactly one winner: revoked, or spent.
 * - an unused token (live or expired) becomes `revoked`;
 * - an already revoked one: nothing changes and no second event (DELETE is idempotent);
 * - a consumed one: 409 `connect_token_spent`, since what it allowed has already happened.
 */
export async function revokeConnectToken(ctx: Ctx, projectId: string, tokenId: string): Promise<void> {
  if (!ID_PATTERNS.connectToken.test(tokenId)) throw notFound('connect_token_not_found', `no connect token ${tokenId} in this project`);
  await inTransaction(ctx, async (txCtx) => {
    const db = txCtx.store.db;
    const result = await db
      .updateTable('connect_tokens')
      .set({ revoked_at: nowSeconds(txCtx.clock) })
      .where('project_id', '=', projectId)
      .where('id', '=', tokenId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const row = await db.selectFrom('connect_tokens').selectAll().where('project_id', '=', projectId).where('id', '=', tokenId).executeTakeFirst();
    if (!row) throw notFound('connect_token_not_found', `no connect token ${tokenId} in this project`);
    if (Number(result.numUpdatedRows) === 1) {
      await recordEvent(txCtx, { projectId, type: 'connect-token-revoked', userId: row.user_id, detail: { connectTokenId: row.id, tokenType: row.type } });
      return;
    }
    if (row.used_at !== null) throw conflict('connect_token_spent', 'the connect token was already used; revoking it would change nothing');
  });
}
