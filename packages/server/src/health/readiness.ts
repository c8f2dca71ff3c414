import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import { CAUSE_PHRASES, diagnoseStoreFault, storeUnavailableError } from '../store/store-unavailable.js';

/**
 * What a login needs, checked the way a login uses it:
 * - `store`: a committed write (an upsert of one row in `health_probe`). Reads alone are not
 *   enough: a read-only or immutable file, a full disk or a role without grants still answers
 *   `select 1` while every login fails.
 * - `signingKey`: an active signing key opens with the configured key-encryption key (an
 *   encrypted one when there is any, since those are the ones a missing or wrong key breaks).
 *   Imported keys are cached per kid, so after the first check this costs one small query.
 */
export interface Readiness {
  ready: boolean;
  checks: { store: string; signingKey: string };
  /** Why it is not ready: a 503 with a stable code, as `/readyz` answers it. */
  failure?: LatchkeyError;
  /** The underlying error (the driver's, or the key's), for the start-up refusal. */
  cause?: unknown;
}

/** The row every instance rewrites; one row, so probing never grows the store. */
const PROBE_ROW = 'readiness';

async function probeStoreWrite(ctx: Ctx): Promise<void> {
  // The value must change on every write: an update to the same value could be skipped.
  const stamp = Date.now();
  await ctx.store.db
    .insertInto('health_probe')
    .values({ id: PROBE_ROW, probed_at: stamp })
    .onConflict((oc) => oc.column('id').doUpdateSet({ probed_at: stamp }))
    .execute();
}

/** Returns the kid that was opened, or undefined when there is no project (nothing to sign yet). */
async function probeSigningKey(ctx: Ctx): Promise<string | undefined> {
  const row = await ctx.store.db
    .selectFrom('signing_keys')
    .select(['id', 'project_id', 'private_key'])
    .where('rotated_at', 'is', null)
    .orderBy(sql`case when private_key like '-----BEGIN%' then 1 else 0 end`)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  await ctx.signingKeys.privateKey(row);
  return row.id;
}

export async function checkReadiness(ctx: Ctx): Promise<Readiness> {
  try {
    await probeStoreWrite(ctx);
  } catch (error) {
    const fault = diagnoseStoreFault(error);
    if (!fault) throw error;
    return {
      cause: error,
      ready: false,
      checks: { store: fault.cause, signingKey: 'unchecked' },
      failure: storeUnavailableError(fault.failure, `not ready: the database ${CAUSE_PHRASES[fault.cause]} (${ctx.store.describe})`),
    };
  }
  try {
    const kid = await probeSigningKey(ctx);
    return { ready: true, checks: { store: 'ok', signingKey: kid ? 'ok' : 'none' } };
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return {
      cause: error,
      ready: false,
      checks: { store: 'ok', signingKey: error.code },
      failure: new LatchkeyError(503, error.code, `not ready: ${error.message}`, { 'retry-after': '1' }),
    };
  }
}

/**
 * Load balancers poll `/readyz` every second or more often, from several places: one check per
 * `ttlMs` answers them all (concurrent polls share the check in flight).
 */
export class ReadinessProbe {
  private last: { at: number; result: Promise<Readiness> } | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly ttlMs = 1000,
  ) {}

  check(): Promise<Readiness> {
    const now = performance.now();
    if (this.last && now - this.last.at < this.ttlMs) return this.last.result;
    const result = checkReadiness(this.ctx);
    this.last = { at: now, result };
    // A check that threw (a bug, not a fault) is not remembered.
    result.catch(() => (this.last = undefined));
    return result;
  }
}
