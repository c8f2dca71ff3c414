import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_CACHE_MS } from '../src/projects/project-cache.js';
import { updateProject } from '../src/projects/update-project.js';
import { createContext } from '../src/server.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

/** Another process on the same store (the CLI, another instance): it shares no cache with the server. */
const otherProcess = () => createContext({ keyEncryptionKey: server.ctx.keyEncryptionKey }, server.ctx.store, server.clock);

describe('project settings changed elsewhere', () => {
  it('a removed origin is refused once the cache bound has passed', async () => {
    const p = await server.addProject({ origins: ['http://localhost:4100', 'http://localhost:4101'] });
    expect((await p.frontend('/login/init', {}, { origin: 'http://localhost:4101' })).status).toBe(200);

    await updateProject(otherProcess(), p.project.id, { removeOrigins: ['http://localhost:4101'] });
    server.clock.advance(PROJECT_CACHE_MS / 1000);

    const refused = await p.frontend('/login/init', {}, { origin: 'http://localhost:4101' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('origin_not_allowed');
    expect((await p.frontend('/login/init', {}, { origin: 'http://localhost:4100' })).status).toBe(200);
  });

  it('a change through the serving instance applies at once', async () => {
    const p = await server.addProject({ origins: ['http://localhost:4200', 'http://localhost:4201'] });
    expect((await p.frontend('/login/init', {}, { origin: 'http://localhost:4201' })).status).toBe(200);
    await updateProject(server.ctx, p.project.id, { removeOrigins: ['http://localhost:4201'] });
    expect((await p.frontend('/login/init', {}, { origin: 'http://localhost:4201' })).status).toBe(403);
  });

  it('a project deleted elsewhere is gone once the bound has passed', async () => {
    const { deleteProject } = await import('../src/projects/delete-project.js');
    const p = await server.addProject({ origins: ['http://localhost:4300'] });
    expect((await p.frontend('/login/init', {})).status).toBe(200);
    await deleteProject(otherProcess(), p.project.id);
    server.clock.advance(PROJECT_CACHE_MS / 1000);
    expect((await p.frontend('/login/init', {})).status).toBe(404);
  });
});
