import type { Ctx } from '../context.js';
import { recordEvent } from '../events/record-event.js';
import type { Admin } from './admins.js';

/**
 * One entry per console action in the console project's event trail, naming the administrator.
 * Kept there (not in the project acted on) so that deleting a project keeps the record of who did it.
 */
export async function auditConsoleAction(ctx: Ctx, consoleProjectId: string, admin: Admin, action: string, detail: Record<string, unknown> = {}): Promise<void> {
  await recordEvent(ctx, { projectId: consoleProjectId, type: 'console-action', userId: admin.userId, detail: { action, admin: admin.email, role: admin.role, ...detail } });
}
