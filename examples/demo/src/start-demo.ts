import { connectLatchkey } from './latchkey/latchkey-client.js';
import { passwordLoginReporter } from './latchkey/report-password-login.js';
import { buildApp } from './http/build-app.js';
import { resolveElementsBundle } from './http/static-files.js';
import { openDatabase } from './storage/open-database.js';

export interface DemoOptions {
  /** Port to listen on; 0 picks a free one. The page origin is http://localhost:<port>. */
  port: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Latchkey's URL, as both the app's backend and the browser reach it. */
  latchkeyUrl: string;
  /** The Latchkey project whose RP ID is `localhost` and whose origins include this app's. */
  projectId: string;
  /** An API secret of that project: stays on the server, used by `@latchkey/node`. */
  apiSecret: string;
  /** Where the app keeps its own SQLite file (accounts and sessions). */
  dataDir: string;
  /** Fastify log level (default `warn`). */
  logLevel?: string;
}

export interface RunningDemo {
  /** http://localhost:<port> — open this one: WebAuthn needs the origin the project lists. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the demo app (its pages, its password accounts and sessions, its Latchkey routes). */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const bundlePath = resolveElementsBundle();
  const db = openDatabase(options.dataDir);
  try {
    const latchkey = connectLatchkey({ baseUrl: options.latchkeyUrl, projectId: options.projectId, apiSecret: options.apiSecret });
    const app = await buildApp(
      {
        db,
        latchkey,
        pageConfig: { baseUrl: options.latchkeyUrl, projectId: options.projectId },
        reportPasswordLogin: passwordLoginReporter(latchkey),
      },
      { logLevel: options.logLevel ?? 'warn', bundlePath },
    );
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return {
      url: `http://localhost:${port}`,
      port,
      close: async () => {
        await app.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
