import type { Ctx } from '../context.js';
import { nowSeconds } from '../util/clock.js';

export type PasskeyEventType =
  | 'passkey-appended'
  | 'append-failed'
  | 'login-succeeded'
  | 'login-failed'
  | 'passkey-deleted'
  | 'user-deleted'
  | 'connect-token-revoked'
  | 'token-verified'
  | 'token-refused'
  | 'policy-changed'
  | 'console-action';

export interface EventInput {
  projectId: string;
  type: PasskeyEventType;
  userId?: string | null;
  credentialId?: string | null;
  processId?: string | null;
  detail?: Record<string, unknown>;
}

/** Appends one entry to the audit trail. Entries are never updated or deleted (user deletion keeps them). */
export async function recordEvent(ctx: Ctx, event: EventInput): Promise<void> {
  await ctx.store.db
    .insertInto('passkey_events')
    .values({
      project_id: event.projectId,
      user_id: event.userId ?? null,
      type: event.type,
      credential_id: event.credentialId ?? null,
      process_id: event.processId ?? null,
      detail: event.detail ? JSON.stringify(event.detail) : null,
      created_at: nowSeconds(ctx.clock),
    })
    .execute();
}
