import type { Ctx } from '../context.js';
import { getProject } from '../projects/get-project.js';
import type { PasskeyLine } from './passkey-line.js';

const PAGE = 500;

/**
 * Every passkey of the project with its user, as JSON Lines (passkey-line.ts), handed to `write`
 * one line at a time in pages, so that a large project is never held in memory at once. Returns
 * how many were written.
 */
export async function exportPasskeys(ctx: Ctx, projectId: string, write: (line: string) => void | Promise<void>): Promise<number> {
  await getProject(ctx, projectId);
  let after = '';
  let count = 0;
  for (;;) {
    const rows = await ctx.store.db
      .selectFrom('credentials')
      .innerJoin('users', 'users.id', 'credentials.user_id')
      .select([
        'credentials.id as id',
        'users.identifier',
        'users.id as user_id',
        'users.webauthn_id',
        'users.display_name',
        'credentials.credential_id',
        'credentials.public_key',
        'credentials.counter',
        'credentials.transports',
        'credentials.aaguid',
        'credentials.backup_eligible',
        'credentials.backup_state',
        'credentials.created_at',
        'credentials.last_used_at',
        'credentials.name',
      ])
      .where('credentials.project_id', '=', projectId)
      .where('credentials.id', '>', after)
      .orderBy('credentials.id')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      const line: PasskeyLine = {
        identifier: r.identifier,
        userId: r.user_id,
        webauthnId: r.webauthn_id,
        displayName: r.display_name,
        credentialId: r.credential_id,
        publicKey: r.public_key,
        counter: r.counter,
        transports: JSON.parse(r.transports) as string[],
        aaguid: r.aaguid,
        backupEligible: r.backup_eligible === 1,
        backupState: r.backup_state === 1,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        name: r.name,
      };
      await write(`${JSON.stringify(line)}\n`);
      count += 1;
    }
    if (rows.length < PAGE) return count;
    after = rows[rows.length - 1]!.id;
  }
}
