import type { Ctx } from '../../context.js';
import { selectActiveKid } from '../../keys/signing-keys.js';
import { prepareQuery } from '../../store/prepare-query.js';
import type { CredentialRow, ProcessRow } from '../../store/schema.js';
import { isProcessId } from '../shared/processes.js';

/** A passkey of the project with its user's names, as login/finish reads it. */
export type PasskeyWithUser = CredentialRow & { user_identifier: string; user_webauthn_id: string; user_display_name: string };

/**
 * login/finish's three reads in one statement: the process (undefined when there is none), the
 * passkey of this project that answered, with its user (undefined when the project has no such
 * passkey), and the project's active signing kid (for the token this login signs). Two round trips
 * fewer per login on PostgreSQL, two statements fewer on SQLite. The caller checks the process
 * first and the passkey only after the challenge is spent, as with separate reads.
 */
export async function readProcessWithPasskey(
  ctx: Ctx,
  args: { projectId: string; processId: string; credentialId: string },
): Promise<{ process?: ProcessRow; passkey?: PasskeyWithUser; activeKid?: string }> {
  if (!isProcessId(args.processId)) return {};
  const row = (await processWithPasskey.execute(ctx, args)).rows[0];
  if (!row) return {};
  const { pk_id, pk_project_id, pk_user_id, pk_credential_id, pk_public_key, pk_algorithm, pk_counter, pk_transports, pk_aaguid, pk_backup_eligible, pk_backup_state, pk_attestation_format, pk_user_agent, pk_created_at, pk_last_used_at, pk_device_id, pk_name, user_identifier, user_webauthn_id, user_display_name, active_kid, ...process } = row;
  // A credential always has its user (foreign key), so the inner fields are set whenever pk_id is.
  const passkey: PasskeyWithUser | undefined =
    pk_id === null
      ? undefined
      : {
          id: pk_id,
          project_id: pk_project_id!,
          user_id: pk_user_id!,
          credential_id: pk_credential_id!,
          public_key: pk_public_key!,
          algorithm: pk_algorithm!,
          counter: pk_counter!,
          transports: pk_transports!,
          aaguid: pk_aaguid!,
          backup_eligible: pk_backup_eligible!,
          backup_state: pk_backup_state!,
          attestation_format: pk_attestation_format!,
          user_agent: pk_user_agent,
          created_at: pk_created_at!,
          last_used_at: pk_last_used_at,
          device_id: pk_device_id,
          name: pk_name,
          user_identifier: user_identifier!,
          user_webauthn_id: user_webauthn_id!,
          user_display_name: user_display_name!,
        };
  return { process, ...(passkey ? { passkey } : {}), ...(active_kid ? { activeKid: active_kid } : {}) };
}

/** Compiled once (see prepareQuery). The passkey is looked up by the request's project, not the process's. */
const processWithPasskey = prepareQuery((db, args: { projectId: string; processId: string; credentialId: string }) =>
  db
    .selectFrom('processes')
    .leftJoin('credentials', (join) => join.on('credentials.project_id', '=', args.projectId).on('credentials.credential_id', '=', args.credentialId))
    .leftJoin('users', 'users.id', 'credentials.user_id')
    .selectAll('processes')
    .select([
      'credentials.id as pk_id',
      'credentials.project_id as pk_project_id',
      'credentials.user_id as pk_user_id',
      'credentials.credential_id as pk_credential_id',
      'credentials.public_key as pk_public_key',
      'credentials.algorithm as pk_algorithm',
      'credentials.counter as pk_counter',
      'credentials.transports as pk_transports',
      'credentials.aaguid as pk_aaguid',
      'credentials.backup_eligible as pk_backup_eligible',
      'credentials.backup_state as pk_backup_state',
      'credentials.attestation_format as pk_attestation_format',
      'credentials.user_agent as pk_user_agent',
      'credentials.created_at as pk_created_at',
      'credentials.last_used_at as pk_last_used_at',
      'credentials.device_id as pk_device_id',
      'credentials.name as pk_name',
      'users.identifier as user_identifier',
      'users.webauthn_id as user_webauthn_id',
      'users.display_name as user_display_name',
    ])
    .select(selectActiveKid(db, args.projectId).as('active_kid'))
    .where('processes.id', '=', args.processId),
);
