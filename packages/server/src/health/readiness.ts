import { sql } from 'kysely';
import type { Ctx } from '../context.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import { CAUSE_PHRASES, diagnoseStoreFault, storeUnavailableError } from '../store/store-unavailable.js';

/**
 * What a login needs, checked the way a login uses it:
 * - `store`: a committed write (an upsert of one row in `health_probe`). Reads alone are not
 *   enough: a read-only or immutable file, a full disk or a role without grants still answers
 *   `select 1` while every login fails.
 * - `signingKey`: every active signing key opens with the configured key-encryption key (plain
 *   PEM keys always do). Each key is opened once per process, so later checks cost one small
 *   query.
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

/** Kids whose private key has opened in this process, per key cache: key material never changes. */
const opened = new WeakMap<object, Set<string>>();

/**
 * Every active encrypted key must open: one instance started with another key-encryption key
 * writes keys that the others cannot open. Each kid is opened once per process; later checks only
 * list the active kids. Returns 'none' when there is no key yet, 'ok' otherwise.
 */
async function probeSigningKeys(ctx: Ctx): Promise<'ok' | 'none'> {
  const active = await ctx.store.db
    .selectFrom('signing_keys')
    .select(['id', sql<number>`case when private_key like '-----BEGIN%' then 0 else 1 end`.as('encrypted')])
    .where('rotated_at', 'is', null)
    .execute();
  if (active.length === 0) return 'none';
  const seen = opened.get(ctx.signingKeys) ?? new Set<string>();
  opened.set(ctx.signingKeys, seen);
  const unopened = active.filter((key) => Number(key.encrypted) === 1 && !seen.has(key.id)).map((key) => key.id);
  if (unopened.length === 0) return 'ok';
  const rows = await ctx.store.db.selectFrom('signing_keys').select(['id', 'project_id', 'private_key']).where('id', 'in', unopened).execute();
  for (const row of rows) {
    try {
      await ctx.signingKeys.privateKey(row);
    } catch (error) {
      if (error instanceof LatchkeyError) throw new LatchkeyError(503, error.code, `project ${row.project_id}: ${error.message}`, { 'retry-after': '1' });
      throw error;
    }
    seen.add(row.id);
  }
  return 'ok';
}

function notReady(ctx: Ctx, error: unknown): Readiness {
  // Whatever stops the store check (even a fault we cannot name) means a login would fail too.
  const fault = diagnoseStoreFault(error) ?? { failure: 'store_unavailable' as const, cause: undefined };
  const what = fault.cause ? `the database ${CAUSE_PHRASES[fault.cause]}` : `the store check failed (${(error as Error)?.message ?? String(error)})`;
  return {
    cause: error,
    ready: false,
    checks: { store: fault.cause ?? 'error', signingKey: 'unchecked' },
    failure: storeUnavailableError(fault.failure, `not ready: ${what} (${ctx.store.describe})`),
  };
}

/** The full check: a committed write, then the signing key. */
export async function checkReadiness(ctx: Ctx): Promise<Readiness> {
  try {
    await probeStoreWrite(ctx);
  } catch (error) {
    return notReady(ctx, error);
  }
  try {
    return { ready: true, checks: { store: 'ok', signingKey: await probeSigningKeys(ctx) } };
  } catch (error) {
    const storeFault = diagnoseStoreFault(error);
    if (storeFault) return notReady(ctx, error);
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
 * Load balancers poll `/readyz` every second or more often, from several places. Every poll reads
 * (`select 1`: a database that went away is seen at once); the write and the key check run at most
 * once per `ttlMs`, and concurrent polls share the one in flight.
 */
export class ReadinessProbe {
  private last: { at: number; result: Promise<Readiness> } | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly ttlMs = 1000,
  ) {}

  async check(): Promise<Readiness> {
    try {
      await sql`select 1`.execute(this.ctx.store.db);
    } catch (error) {
      return notReady(this.ctx, error);
    }
    const now = performance.now();
    if (this.last && now - this.last.at < this.ttlMs) return this.last.result;
    const result = checkReadiness(this.ctx);
    this.last = { at: now, result };
    // A check that threw (a bug, not a fault) is not remembered.
    result.catch(() => (this.last = undefined));
    return result;
  }
}
