import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject, loadConfig, startServer, type RunningServer } from '@latchkey/server';

export type ConnectTokenType = 'passkey-append' | 'passkey-list' | 'passkey-delete';

export interface TestProject {
  id: string;
  /** Backend API call with this project's Basic credentials; answers the status and parsed body. */
  backend<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A connect token secret (`ctk1_…`) for `identifier`. */
  connectToken(type: ConnectTokenType, identifier: string): Promise<string>;
}

export interface TestLatchkey {
  url: string;
  server: RunningServer;
  /** A project whose origins are the ones given to startLatchkey. */
  project: TestProject;
  addProject(origins: string[]): Promise<TestProject>;
  close(): Promise<void>;
}

/** A real Latchkey server on 127.0.0.1 (SQLite in a temporary directory) with one project. */
export async function startLatchkey(origins: string[]): Promise<TestLatchkey> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-browser-test-'));
  const server = await startServer({
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: `file:${join(dir, 'latchkey.sqlite')}`,
    logLevel: 'warn',
    frontendRateLimit: 0,
    backendRateLimit: 0,
  });

  async function addProject(projectOrigins: string[]): Promise<TestProject> {
    const { project, apiSecret } = await createProject(server.ctx, { name: 'Browser test', rpId: 'localhost', origins: projectOrigins });
    const authorization = `Basic ${Buffer.from(`${project.id}:${apiSecret.secret}`).toString('base64')}`;
    async function backend<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
      const response = await fetch(`${server.url}/v2${path}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
    }
    async function connectToken(type: ConnectTokenType, identifier: string): Promise<string> {
      const answer = await backend<{ secret: string }>('POST', '/connectTokens', { type, data: { identifier } });
      if (answer.status !== 201) throw new Error(`connect token: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.secret;
    }
    return { id: project.id, backend, connectToken };
  }

  const project = await addProject(origins);
  return {
    url: server.url,
    server,
    project,
    addProject,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
