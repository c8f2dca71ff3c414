import type { Ctx } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import { getProject } from '../projects/get-project.js';
import { inTransaction } from '../store/in-transaction.js';
import { nowSeconds } from '../util/clock.js';
import { newCredentialRecordId, newUserId } from '../util/ids.js';
import { checkPasskeyLine, type CheckedLine, type LineError } from './passkey-line.js';

export interface ImportOptions {
  /** Import the good lines and report the bad ones, instead of importing nothing. */
  skipInvalid?: boolean;
  /** Check everything (against the store too) and report, but write nothing. */
  dryRun?: boolean;
  /** Called every PROGRESS_EVERY lines with how many lines are done. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary {
  /** Non-empty lines read. */
  lines: number;
  /** New passkeys stored (or, with dryRun, that would be). */
  imported: number;
  /** Lines whose passkey is already here, for the same user with the same key: re-imports change nothing. */
  unchanged: number;
  usersCreated: number;
  /** Lines refused (their errors are in `errors`). */
  invalid: number;
  /** false when nothing was written: a dry run, or errors without skipInvalid. */
  committed: boolean;
  dryRun: boolean;
  errors: LineError[];
}

export const PROGRESS_EVERY = 1000;

/** Thrown inside the transaction to roll it back while keeping the summary. */
class RollBack extends Error {
  constructor(readonly summary: ImportSummary) {
    super('roll back');
  }
}

/**
 * Imports passkeys from JSON Lines (passkey-line.ts) into a project, in one transaction. Every line
 * is checked first; then each against the store: a credential id already here for the same user
 * and key is `unchanged` (so importing a file twice adds nothing), one held by another user or with
 * another key is an error, users are created as needed (keeping the line's `userId` and
 * `webauthnId`, so the passkeys' user handles still lead to them). If any line fails, nothing is
 * written unless `skipInvalid`.
 */
export async function importPasskeys(ctx: Ctx, projectId: string, text: string, options: ImportOptions = {}): Promise<ImportSummary> {
  await getProject(ctx, projectId);
  const summary: ImportSummary = { lines: 0, imported: 0, unchanged: 0, usersCreated: 0, invalid: 0, committed: false, dryRun: options.dryRun === true, errors: [] };
  const checked: CheckedLine[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    summary.lines += 1;
    const result = checkPasskeyLine(raw, index + 1);
    if ('message' in result) summary.errors.push(result);
    else checked.push(result);
  });
  const validationFailed = summary.errors.length > 0 && !options.skipInvalid;
  try {
    await inTransaction(ctx, async (txCtx) => {
      // A file that failed validation is still checked against the store (to report every error
      // at once), but within a transaction that is rolled back.
      const seen = new Map<string, number>();
      for (const [i, line] of checked.entries()) {
        const error = await importLine(txCtx, projectId, line, seen, summary);
        if (error) summary.errors.push(error);
        if ((i + 1) % PROGRESS_EVERY === 0) options.onProgress?.(i + 1, checked.length);
      }
      summary.errors.sort((a, b) => a.line - b.line);
      summary.invalid = new Set(summary.errors.map((e) => e.line)).size;
      if (options.dryRun || validationFailed || (summary.invalid > 0 && !options.skipInvalid)) throw new RollBack(summary);
      await recordEvent(txCtx, {
        projectId,
        type: 'passkeys-imported',
        detail: { imported: summary.imported, unchanged: summary.unchanged, usersCreated: summary.usersCreated, invalid: summary.invalid },
      });
      summary.committed = true;
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return summary;
}

async function importLine(ctx: Ctx, projectId: string, line: CheckedLine, seen: Map<string, number>, summary: ImportSummary): Promise<LineError | undefined> {
  const fail = (field: string, message: string): LineError => ({ line: line.line, field, message });
  const earlier = seen.get(line.credentialId);
  if (earlier !== undefined) return fail('credentialId', `the same passkey as line ${earlier}`);
  seen.set(line.credentialId, line.line);

  const db = ctx.store.db;
  let user = await db.selectFrom('users').selectAll().where('project_id', '=', projectId).where('identifier', '=', line.identifier).executeTakeFirst();
  const existing = await db.selectFrom('credentials').selectAll().where('project_id', '=', projectId).where('credential_id', '=', line.credentialId).executeTakeFirst();
  if (existing) {
    if (!user || existing.user_id !== user.id) return fail('credentialId', 'this passkey is already registered to another user in this project');
    if (existing.public_key !== line.publicKey) return fail('publicKey', 'this passkey is already registered here with a different public key');
    summary.unchanged += 1;
    return undefined;
  }
  if (user) {
    if (user.webauthn_id !== line.webauthnId) return fail('webauthnId', `user "${line.identifier}" exists here with another webauthnId (${user.webauthn_id}); the passkey's user handle would not lead to them`);
    if (line.userId !== undefined && line.userId !== user.id) return fail('userId', `user "${line.identifier}" exists here as ${user.id}`);
  } else {
    if (line.userId !== undefined && (await db.selectFrom('users').select('id').where('id', '=', line.userId).executeTakeFirst())) {
      return fail('userId', `${line.userId} is already another user's id`);
    }
    if (await db.selectFrom('users').select('id').where('project_id', '=', projectId).where('webauthn_id', '=', line.webauthnId).executeTakeFirst()) {
      return fail('webauthnId', 'another user in this project has this webauthnId');
    }
    user = {
      id: line.userId ?? newUserId(),
      project_id: projectId,
      identifier: line.identifier,
      display_name: line.displayName,
      webauthn_id: line.webauthnId,
      created_at: Math.min(line.createdAt, nowSeconds(ctx.clock)),
    };
    await db.insertInto('users').values(user).execute();
    summary.usersCreated += 1;
  }
  await db
    .insertInto('credentials')
    .values({
      id: newCredentialRecordId(),
      project_id: projectId,
      user_id: user.id,
      credential_id: line.credentialId,
      public_key: line.publicKey,
      algorithm: line.algorithm,
      counter: line.counter,
      transports: JSON.stringify(line.transports),
      aaguid: line.aaguid,
      backup_eligible: line.backupEligible ? 1 : 0,
      backup_state: line.backupState ? 1 : 0,
      // Not the original statement's format: the passkey arrived by import, unattested here.
      attestation_format: 'imported',
      user_agent: null,
      created_at: line.createdAt,
      last_used_at: line.lastUsedAt,
      device_id: null,
      name: line.name ?? null,
    })
    .execute();
  summary.imported += 1;
  return undefined;
}
