import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createProject, type RunningServer } from '@latchkey/server';
import { connectLatchkey } from './latchkey-client.js';

export interface DemoProject {
  projectId: string;
  apiSecret: string;
  /** The app origin the project was made for. */
  origin: string;
}

/**
 * The project the demo uses, made on first start and kept in the demo's data dir (mode 0600: the
 * API secret is a password). A later start reuses it — unless the file is gone, was made for
 * another origin (DEMO_PORT changed), or Latchkey no longer accepts it (its database was reset),
 * in which case a new project is made.
 */
export async function ensureDemoProject(server: RunningServer, file: string, origin: string): Promise<DemoProject & { created: boolean }> {
  const saved = readSaved(file);
  if (saved && saved.origin === origin && (await accepted(server.url, saved))) return { ...saved, created: false };
  const { project, apiSecret } = await createProject(server.ctx, { name: 'Acorn demo', rpId: 'localhost', origins: [origin] });
  const created: DemoProject = { projectId: project.id, apiSecret: apiSecret.secret, origin };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
  return { ...created, created: true };
}

function readSaved(file: string): DemoProject | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoProject>;
    if (typeof value.projectId === 'string' && typeof value.apiSecret === 'string' && typeof value.origin === 'string') {
      return { projectId: value.projectId, apiSecret: value.apiSecret, origin: value.origin };
    }
  } catch {
    // unreadable: make a new project
  }
  return undefined;
}

/** Does Latchkey still know this project and secret? One harmless Backend API call tells. */
async function accepted(latchkeyUrl: string, saved: DemoProject): Promise<boolean> {
  const client = connectLatchkey({ baseUrl: latchkeyUrl, projectId: saved.projectId, apiSecret: saved.apiSecret });
  try {
    await client.connectTokens.list('demo-startup-check');
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 401) return false;
    throw error;
  }
}
