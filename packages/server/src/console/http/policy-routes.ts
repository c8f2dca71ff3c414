import { Type } from 'typebox';
import type { Ctx } from '../../context.js';
import { readPolicy } from '../../adoption/policy/policy-cache.js';
import { mergePolicy, type Policy } from '../../adoption/policy/policy.js';
import { PolicyPatchSchema } from '../../adoption/policy/policy-schema.js';
import { updatePolicy } from '../../adoption/policy/update-policy.js';
import { conflict } from '../../errors/latchkey-error.js';
import type { App } from '../../http/route-deps.js';
import { getProject } from '../../projects/get-project.js';
import { auditConsoleAction } from '../audit.js';
import { requireFreshLogin, requireOwner, type ConsoleProject } from './guard.js';

const hide = true;
const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 64 }) });

/** A flow anyone can use at all: on, and a rollout above 0 %. */
const open = (flow: Policy['login']) => flow.enabled && flow.rolloutPercent > 0;

/**
 * A change that stops passkey login, or passkey offers, for every user of the project at once
 * (a kill switch turned off, or a rollout set to 0 %). The app's users then sign in with its
 * password form, which is the point in an incident and a bad surprise by mistake: it asks for
 * the passkey again, like the other destructive actions. Turning a flow back on does not:
 * restoring service should be quick.
 */
export const stopsAFlow = (before: Policy, after: Policy): boolean =>
  (open(before.login) && !open(after.login)) || (open(before.append) && !open(after.append));

/** The adoption policy (docs/adoption.md) of a project: the same schema and service as PATCH /v2/policy and `latchkey policy set`. */
export async function consolePolicyRoutes(app: App, ctx: Ctx, consoleProject: ConsoleProject): Promise<void> {
  app.get('/api/projects/:projectId/policy', { schema: { hide, params: ProjectParams } }, async (request) => {
    await getProject(ctx, request.params.projectId);
    return { policy: await readPolicy(ctx, request.params.projectId) };
  });

  app.patch('/api/projects/:projectId/policy', { schema: { hide, params: ProjectParams, body: PolicyPatchSchema } }, async (request) => {
    const session = requireOwner(request);
    const { projectId } = request.params;
    const consoleId = (await consoleProject.get()).id;
    // Its passkey login off would lock every administrator out of the console, this page included.
    if (projectId === consoleId) throw conflict('console_project', 'the console\'s own adoption policy cannot be changed here: turning its passkey login off would lock every administrator out');
    await getProject(ctx, projectId);
    const before = await readPolicy(ctx, projectId);
    const { policy: planned, changes } = mergePolicy(before, request.body);
    if (stopsAFlow(before, planned)) requireFreshLogin(ctx, request);
    const policy = await updatePolicy(ctx, projectId, request.body, `console:${session.admin.email}`);
    if (Object.keys(changes).length > 0) await auditConsoleAction(ctx, consoleId, session.admin, 'policy-updated', { projectId, changes });
    return { policy };
  });
}
