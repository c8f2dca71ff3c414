import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject, loadConfig, startServer, type RunningServer } from '@latchkey/server';
import { startDemo, type RunningDemo } from '../../src/index.js';

/** A real Latchkey server and the demo app in front of it, each on a port of its own, in a temp dir. */
export interface Stack {
  latchkey: RunningServer;
  demo: RunningDemo;
  projectId: string;
  apiSecret: string;
  dir: string;
  close(): Promise<void>;
}

/** A port that was free a moment ago: the demo's origin must be in the project before the demo starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startStack(): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-demo-'));
  const latchkey = await startServer({
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: `file:${join(dir, 'latchkey.sqlite')}`,
    logLevel: 'warn',
    frontendRateLimit: 0,
    backendRateLimit: 0,
  });
  try {
    // Another process may take the probed port before the demo listens: then try once more.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const { project, apiSecret } = await createProject(latchkey.ctx, { name: 'Demo e2e', rpId: 'localhost', origins: [`http://localhost:${port}`] });
      try {
        const demo = await startDemo({
          port,
          latchkeyUrl: latchkey.url,
          projectId: project.id,
          apiSecret: apiSecret.secret,
          dataDir: join(dir, 'demo'),
          logLevel: 'error',
        });
        return {
          latchkey,
          demo,
          projectId: project.id,
          apiSecret: apiSecret.secret,
          dir,
          close: async () => {
            await demo.close();
            await latchkey.close();
            await rm(dir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    await latchkey.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
