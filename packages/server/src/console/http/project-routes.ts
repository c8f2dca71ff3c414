import { Type } from 'typebox';
import type { Ctx } from '../../context.js';
import { conflict } from '../../errors/latchkey-error.js';
import type { App } from '../../http/route-deps.js';
import { listSigningKeys, rotateSigningKey } from '../../keys/signing-keys.js';
import { retireSigningKey } from '../../keys/retire-signing-key.js';
import { createProject } from '../../projects/create-project.js';
import { deleteProject } from '../../projects/delete-project.js';
import { getProject, listProjects } from '../../projects/get-project.js';
import { updateProject } from '../../projects/update-project.js';
import { createApiSecret } from '../../secrets/create-api-secret.js';
import { listApiSecrets, revokeApiSecret } from '../../secrets/manage-api-secrets.js';
import { auditConsoleAction } from '../audit.js';
import { requireFreshLogin, requireOwner, type ConsoleProject } from './guard.js';

const hide = true;
const ProjectParams = Type.Object({ projectId: Type.String({ maxLength: 64 }) });
const Settings = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  origins: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 20 }),
  tokenTtl: Type.Integer(),
};

/** Projects, their API secrets and their signing keys: the existing services, behind the console's guards. */
export async function consoleProjectRoutes(app: App, ctx: Ctx, consoleProject: ConsoleProject): Promise<void> {
  const audit = async (request: { consoleSession?: { admin: Parameters<typeof auditConsoleAction>[2] } }, action: string, detail: Record<string, unknown>) =>
    auditConsoleAction(ctx, (await consoleProject.get()).id, request.consoleSession!.admin, action, detail);

  app.get('/api/projects', { schema: { hide } }, async () => {
    const consoleId = (await consoleProject.get()).id;
    return { projects: (await listProjects(ctx)).map((p) => ({ ...p, console: p.id === consoleId })) };
  });

  app.post('/api/projects', { schema: { hide, body: Type.Object({ ...Settings, rpId: Type.String({ minLength: 1, maxLength: 253 }), tokenTtl: Type.Optional(Settings.tokenTtl) }) } }, async (request) => {
    requireOwner(request);
    const { project, apiSecret } = await createProject(ctx, request.body);
    await audit(request, 'project-created', { projectId: project.id, name: project.name });
    return { project, apiSecret: { id: apiSecret.id, secret: apiSecret.secret, hint: apiSecret.hint } };
  });

  app.get('/api/projects/:projectId', { schema: { hide, params: ProjectParams } }, async (request) => ({ project: await getProject(ctx, request.params.projectId) }));

  app.patch(
    '/api/projects/:projectId',
    { schema: { hide, params: ProjectParams, body: Type.Object({ name: Type.Optional(Settings.name), origins: Type.Optional(Settings.origins), tokenTtl: Type.Optional(Settings.tokenTtl) }) } },
    async (request) => {
      requireOwner(request);
      const project = await updateProject(ctx, request.params.projectId, request.body);
      await audit(request, 'project-updated', { projectId: project.id, changed: Object.keys(request.body) });
      return { project };
    },
  );

  app.delete('/api/projects/:projectId', { schema: { hide, params: ProjectParams } }, async (request) => {
    requireFreshLogin(ctx, request);
    const { projectId } = request.params;
    if (projectId === (await consoleProject.get()).id) throw conflict('console_project', 'the console\'s own project holds the administrators\' passkeys and cannot be deleted');
    const deleted = await deleteProject(ctx, projectId);
    await audit(request, 'project-deleted', { projectId, deleted });
    return { deleted };
  });

  app.get('/api/projects/:projectId/secrets', { schema: { hide, params: ProjectParams } }, async (request) => ({ secrets: await listApiSecrets(ctx, request.params.projectId) }));

  app.post('/api/projects/:projectId/secrets', { schema: { hide, params: ProjectParams } }, async (request) => {
    requireOwner(request);
    const { projectId } = request.params;
    await getProject(ctx, projectId);
    const created = await createApiSecret(ctx, projectId);
    await audit(request, 'secret-created', { projectId, secretId: created.id });
    return { secret: created };
  });

  app.delete('/api/projects/:projectId/secrets/:secretId', { schema: { hide, params: Type.Object({ projectId: Type.String({ maxLength: 64 }), secretId: Type.String({ maxLength: 64 }) }) } }, async (request) => {
    requireFreshLogin(ctx, request);
    const { projectId, secretId } = request.params;
    const secret = await revokeApiSecret(ctx, projectId, secretId);
    await audit(request, 'secret-revoked', { projectId, secretId });
    return { secret };
  });

  app.get('/api/projects/:projectId/keys', { schema: { hide, params: ProjectParams } }, async (request) => ({ keys: await listSigningKeys(ctx, request.params.projectId) }));

  app.post('/api/projects/:projectId/keys/rotate', { schema: { hide, params: ProjectParams } }, async (request) => {
    requireOwner(request);
    const { projectId } = request.params;
    const rotated = await rotateSigningKey(ctx, projectId);
    await audit(request, 'key-rotated', { projectId, ...rotated });
    return rotated;
  });

  app.post('/api/projects/:projectId/keys/:kid/retire', { schema: { hide, params: Type.Object({ projectId: Type.String({ maxLength: 64 }), kid: Type.String({ maxLength: 64 }) }) } }, async (request) => {
    requireFreshLogin(ctx, request);
    const { projectId, kid } = request.params;
    await retireSigningKey(ctx, projectId, kid);
    await audit(request, 'key-retired', { projectId, kid });
    return {};
  });
}
