import type { Ctx } from '../../context.js';
import { prepareQuery } from '../../store/prepare-query.js';
import type { ProcessRow } from '../../store/schema.js';
import { isProcessId } from '../shared/processes.js';

/** The user of an identifier and their passkeys (ids and transports, oldest first); a user without passkeys has an empty list. */
export interface UserWithPasskeys {
  userId: string;
  credentials: Array<{ credential_id: string; transports: string }>;
}

/**
 * login/start's two reads in one statement: the process (undefined when there is none) and the
 * project's user of this identifier with their passkeys (undefined when no user has it). One round
 * trip fewer per login on PostgreSQL, one statement fewer on SQLite.
 */
export async function readProcessWithUser(
  ctx: Ctx,
  args: { projectId: string; processId: string; identifier: string },
): Promise<{ process?: ProcessRow; user?: UserWithPasskeys }> {
  if (!isProcessId(args.processId)) return {};
  const { rows } = await processWithUser.execute(ctx, args);
  const first = rows[0];
  if (!first) return {};
  const { found_user_id: _user, credential_id: _credential, transports: _transports, ...process } = first;
  if (first.found_user_id === null) return { process };
  const credentials = rows.flatMap((row) => (row.credential_id !== null && row.transports !== null ? [{ credential_id: row.credential_id, transports: row.transports }] : []));
  return { process, user: { userId: first.found_user_id, credentials } };
}

/** Compiled once (see prepareQuery): a row per passkey (one row with nulls when none), each carrying the process. */
const processWithUser = prepareQuery((db, args: { projectId: string; processId: string; identifier: string }) =>
  db
    .selectFrom('processes')
    .leftJoin('users', (join) => join.on('users.project_id', '=', args.projectId).on('users.identifier', '=', args.identifier))
    .leftJoin('credentials', (join) => join.onRef('credentials.user_id', '=', 'users.id').onRef('credentials.project_id', '=', 'users.project_id'))
    .selectAll('processes')
    .select(['users.id as found_user_id', 'credentials.credential_id', 'credentials.transports'])
    .where('processes.id', '=', args.processId)
    .orderBy('credentials.created_at')
    .orderBy('credentials.id'),
);
