import type { CryptoKey, JWK } from 'jose';
import type { Ctx } from '../context.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import { getProject } from '../projects/get-project.js';
import { MAX_TOKEN_TTL } from '../projects/project.js';
import type { QueryCreator } from 'kysely';
import type { Database, SigningKeyRow } from '../store/schema.js';
import { inTransaction } from '../store/in-transaction.js';
import { prepareQuery } from '../store/prepare-query.js';
import { nowSeconds } from '../util/clock.js';
import { createSigningKey } from './create-signing-key.js';

/**
 * Seconds after its rotation in which a key may still have signed: a login on another instance
 * that read it just before, on a clock a little ahead. Tokens it signs later are forgeries.
 */
export const ROTATION_GRACE = 30;

export type SigningKeyStatus = 'active' | 'rotated' | 'retired';

export interface SigningKeyInfo {
  kid: string;
  status: SigningKeyStatus;
  createdAt: number;
  rotatedAt: number | null;
  /** When the key leaves the JWKS (no token it signed can still be alive). */
  retireAt: number | null;
}

function statusOf(row: SigningKeyRow, now: number): SigningKeyStatus {
  if (row.rotated_at === null) return 'active';
  return row.retire_at !== null && row.retire_at <= now ? 'retired' : 'rotated';
}

/**
 * The kid that signs new tokens: the project's newest key that has not been rotated out. Read at
 * every login, so that a rotation anywhere (the CLI, another instance) applies to the next token;
 * only the kid is read, the key itself comes from the cache (signing-key-cache.ts) or, once per
 * kid, from privateKeyOf.
 */
export async function activeSigningKid(ctx: Ctx, projectId: string): Promise<string> {
  const row = (await activeKidOf.execute(ctx, { projectId })).rows[0];
  if (!row) throw new LatchkeyError(500, 'signing_key_missing', `project ${projectId} has no active signing key`);
  return row.id;
}

/** The imported private key of a kid (the stored key is read and opened only on a cache miss). */
export function signingPrivateKey(ctx: Ctx, kid: string): Promise<CryptoKey> {
  return ctx.signingKeys.privateKeyOf(kid, async () => {
    const row = (await privateKeyOf.execute(ctx, { kid })).rows[0];
    if (!row) throw new LatchkeyError(500, 'signing_key_missing', `signing key ${kid} is gone`);
    return row.private_key;
  });
}

/**
 * The project's active kid: the newest generation not rotated out. Every login reads it, either
 * here or as a subquery of login/finish's one read (ceremonies/login/process-with-passkey.ts).
 */
export const selectActiveKid = (db: QueryCreator<Database>, projectId: string) =>
  db.selectFrom('signing_keys').select('signing_keys.id').where('signing_keys.project_id', '=', projectId).where('signing_keys.rotated_at', 'is', null).orderBy('signing_keys.generation', 'desc').limit(1);

/** Compiled once, see prepareQuery: the kid only, from the project's index. */
const activeKidOf = prepareQuery((db, args: { projectId: string }) => selectActiveKid(db, args.projectId));

const privateKeyOf = prepareQuery((db, args: { kid: string }) => db.selectFrom('signing_keys').select('private_key').where('id', '=', args.kid));

/** Any key by kid, retired ones included: a retired key's tokens then read as `expired`, not forged. */
export async function findSigningKey(ctx: Ctx, kid: string): Promise<SigningKeyRow | undefined> {
  return ctx.signingKeys.row(kid, ctx.clock.nowMs(), () => ctx.store.db.selectFrom('signing_keys').selectAll().where('id', '=', kid).executeTakeFirst());
}

/**
 * Adds a key that signs from now on. Older keys stay published until every token they could have
 * signed is past `exp`: a token is signed at the latest now, and lives at most MAX_TOKEN_TTL.
 */
export async function rotateSigningKey(ctx: Ctx, projectId: string): Promise<{ active: string; rotated: string[] }> {
  await getProject(ctx, projectId);
  return inTransaction(ctx, async (txCtx) => {
    const now = nowSeconds(ctx.clock);
    // Write the project row first: it locks it (PostgreSQL) or takes the write lock (SQLite), so
    // concurrent rotations run one after the other and each sees the key the previous one added.
    await txCtx.store.db.updateTable('projects').set({ updated_at: now }).where('id', '=', projectId).execute();
    const rotated = await txCtx.store.db
      .updateTable('signing_keys')
      // Published until the last token it may have signed (within the grace) has expired.
      .set({ rotated_at: now, retire_at: now + ROTATION_GRACE + MAX_TOKEN_TTL })
      .where('project_id', '=', projectId)
      .where('rotated_at', 'is', null)
      .returning('id')
      .execute();
    const active = await createSigningKey(txCtx, projectId);
    ctx.signingKeys.forgetRows();
    return { active, rotated: rotated.map((r) => r.id) };
  });
}

export async function listSigningKeys(ctx: Ctx, projectId: string): Promise<SigningKeyInfo[]> {
  await getProject(ctx, projectId);
  const now = nowSeconds(ctx.clock);
  const rows = await ctx.store.db
    .selectFrom('signing_keys')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('generation', 'desc')
    .execute();
  return rows.map((row) => ({ kid: row.id, status: statusOf(row, now), createdAt: row.created_at, rotatedAt: row.rotated_at, retireAt: row.retire_at }));
}

/** Public keys that may still have live tokens, newest first. */
export async function projectJwks(ctx: Ctx, projectId: string): Promise<{ keys: JWK[] }> {
  const now = nowSeconds(ctx.clock);
  const rows = await ctx.store.db
    .selectFrom('signing_keys')
    .select('public_jwk')
    .where('project_id', '=', projectId)
    .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', now)]))
    .orderBy('generation', 'desc')
    .execute();
  return { keys: rows.map((r) => JSON.parse(r.public_jwk) as JWK) };
}
