import { sql, type RawBuilder } from 'kysely';
import { adoptionRow, processFact } from '../../adoption/events/record-adoption-event.js';
import type { Ctx } from '../../context.js';
import { conflict, webauthnFailed } from '../../errors/latchkey-error.js';
import { eventRow } from '../../events/record-event.js';
import { executePrepared } from '../../store/named-statements.js';
import { nowSeconds } from '../../util/clock.js';
import { loginCompletedFact, loginSucceededEvent, type LoginSuccess } from './login-success.js';

/**
 * A login's success on PostgreSQL as ONE statement (one round trip, one commit) instead of a
 * transaction of six (BEGIN, the counter, the process, the audit event, the funnel event, COMMIT).
 * The same writes, and the same rules:
 *
 * - `target` locks the passkey and the process (FOR UPDATE) and is one row only when the counter
 *   moves forward (or stays 0 for an authenticator without one) and the process is still open.
 *   Under READ COMMITTED a concurrent login that changed either row first is waited for and the
 *   conditions are checked again on what it wrote, so of two logins racing with one counter
 *   value, or on one process, exactly one gets the row.
 * - Every write reads `target`: either all of them happen, or none (one statement is one
 *   transaction). When none did, the reads after it only explain why, in the order the
 *   transaction of the other stores checks: a deleted passkey, a counter that did not move, a
 *   process already completed.
 */
export async function recordSuccessInOneStatement(ctx: Ctx, success: LoginSuccess): Promise<void> {
  const { project, process, credential, newCounter } = success;
  const now = nowSeconds(ctx.clock);
  // Refusals queued earlier go first, so that the trail keeps this instance's order (as inTransaction does).
  if (ctx.events?.size) await ctx.events.flush();

  const counterMoves = newCounter === 0 ? sql`c.counter = 0` : sql`c.counter < ${newCounter}::bigint`;
  const event = eventRow(ctx, loginSucceededEvent(success));
  const funnel = adoptionRow(ctx, processFact(process, loginCompletedFact(success)));
  const device = process.device_id === null ? sql`` : sql`,
      device AS (
        INSERT INTO user_devices (project_id, user_id, device_id, dismissals, next_offer_at, cross_device_at, updated_at)
        SELECT ${project.id}::text, ${credential.user_id}::text, ${process.device_id}::text, 0, NULL, ${success.crossDevice ? now : null}::bigint, ${now}::bigint
        FROM target
        ON CONFLICT (project_id, user_id, device_id) DO UPDATE SET cross_device_at = excluded.cross_device_at, updated_at = excluded.updated_at
      )`;

  const statement = sql<{ n: number }>`
    WITH target AS (
      SELECT c.id AS credential_id, p.id AS process_id
      FROM credentials c, processes p
      WHERE c.id = ${credential.id} AND ${counterMoves} AND p.id = ${process.id} AND p.completed_at IS NULL
      FOR UPDATE
    ),
    moved AS (
      UPDATE credentials SET counter = ${newCounter}::bigint, backup_state = ${success.backedUp ? 1 : 0}::integer, last_used_at = ${now}::bigint
      FROM target WHERE credentials.id = target.credential_id
    ),
    completed AS (
      UPDATE processes SET completed_at = ${now}::bigint FROM target WHERE processes.id = target.process_id
    ),
    audit AS (${insertFromTarget('passkey_events', event, EVENT_COLUMNS)}),
    funnel AS (${insertFromTarget('adoption_events', funnel, FUNNEL_COLUMNS)})${device}
    SELECT count(*)::integer AS n FROM target`.compile(ctx.store.db);
  // One text with a device and one without: each prepared once per connection.
  const { rows } = await executePrepared(ctx.store.db, statement);
  if (rows[0]?.n === 1) return;

  const current = await ctx.store.db.selectFrom('credentials').select('counter').where('id', '=', credential.id).executeTakeFirst();
  if (!current) throw webauthnFailed('unknown_credential', 'this passkey was deleted while the login was under way');
  if (newCounter === 0 ? current.counter !== 0 : current.counter >= newCounter) {
    throw webauthnFailed('counter_regressed', 'the signature counter did not move forward: this passkey may have been cloned');
  }
  throw conflict('process_completed', `process ${process.id} has already completed`);
}

/** The columns of the two event rows, with the type each parameter is cast to (a SELECT list gives parameters no type of their own). */
const EVENT_COLUMNS = {
  project_id: 'text',
  user_id: 'text',
  type: 'text',
  credential_id: 'text',
  process_id: 'text',
  detail: 'text',
  created_at: 'bigint',
};
const FUNNEL_COLUMNS = {
  project_id: 'text',
  day: 'integer',
  source: 'text',
  type: 'text',
  method: 'text',
  reason: 'text',
  result: 'text',
  os_family: 'text',
  browser_family: 'text',
  device_id: 'text',
  process_id: 'text',
  user_id: 'text',
  identifier_hash: 'text',
  created_at: 'bigint',
};

/** `INSERT INTO table (columns) SELECT values FROM target`: the row is written once when `target` has its row, never otherwise. */
function insertFromTarget(table: string, row: object, columns: Record<string, string>): RawBuilder<unknown> {
  const names = Object.keys(columns);
  const missing = names.filter((name) => !(name in row)).concat(Object.keys(row).filter((name) => !(name in columns)));
  if (missing.length > 0) throw new Error(`${table}: the row and the column list differ in ${missing.join(', ')}`);
  return sql`INSERT INTO ${sql.table(table)} (${sql.join(names.map((name) => sql.ref(name)))})
      SELECT ${sql.join(names.map((name) => sql`${(row as Record<string, unknown>)[name]}::${sql.raw(columns[name]!)}`))} FROM target`;
}
