import { join } from 'node:path';
import { freePort, startLatchkey, type TestLatchkey } from '@latchkey/test-support';
import { startDemo, type RunningDemo } from '../../src/index.js';

/** A real Latchkey server and the demo app in front of it, each on a port of its own, in a temp dir. */
export interface Stack {
  latchkey: TestLatchkey;
  demo: RunningDemo;
  projectId: string;
  apiSecret: string;
  /** The run's temporary directory (Latchkey's); the demo keeps its data in `dir/demo`. */
  dir: string;
  close(): Promise<void>;
}

/** `http://localhost:<a port that was free a moment ago>`: the demo's origin must be in the project before the demo starts. */
const freeOrigin = async (): Promise<string> => `http://localhost:${await freePort()}`;

export async function startStack(): Promise<Stack> {
  const latchkey = await startLatchkey({ origins: [await freeOrigin()] });
  try {
    let project = latchkey.project;
    // Another process may take the probed port before the demo listens: then try another one.
    for (let attempt = 1; ; attempt++) {
      try {
        const demo = await startDemo({
          port: Number(new URL(project.origins[0]!).port),
          latchkeyUrl: latchkey.url,
          projectId: project.id,
          apiSecret: project.apiSecret,
          dataDir: join(latchkey.dir, 'demo'),
          logLevel: 'error',
        });
        return {
          latchkey,
          demo,
          projectId: project.id,
          apiSecret: project.apiSecret,
          dir: latchkey.dir,
          close: async () => {
            await demo.close();
            await latchkey.close();
          },
        };
      } catch (error) {
        if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3) throw error;
        project = await latchkey.addProject({ origins: [await freeOrigin()] });
      }
    }
  } catch (error) {
    await latchkey.close();
    throw error;
  }
}
