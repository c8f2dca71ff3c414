import { join } from 'node:path';
import { startChild } from './child.js';
import { ORIGIN, type Target } from './target.js';

/**
 * Starts the DIY baseline (bench/baseline/server.ts) on `cores` over a fresh SQLite file in `dir`;
 * with `floor`, the stack floor instead: the same server with its store in Maps and no log.
 */
export async function startBaseline(opts: { packageDir: string; dir: string; cores: string; floor?: boolean }): Promise<Target> {
  const store = opts.floor ? '--floor' : join(opts.dir, 'baseline.sqlite');
  const child = await startChild([process.execPath, '--import', 'tsx', join(opts.packageDir, 'bench/baseline/server.ts'), store], {
    cores: opts.cores,
    env: { ...process.env, NODE_ENV: 'production' },
    cwd: opts.packageDir,
  });
  const { url, projectId, secret } = child.ready as { url: string; projectId: string; secret: string };
  return {
    name: opts.floor ? 'stack floor' : 'DIY baseline',
    url,
    pid: child.process.pid!,
    projectId,
    secret,
    origin: ORIGIN,
    async register(client, authenticator, identifier) {
      const options = await client.post('/bench/register/options', { identifier }, {});
      if (options.status !== 200) throw new Error(`baseline register/options: ${options.status} ${JSON.stringify(options.body)}`);
      const attestationResponse = authenticator.createCredential(options.body, { origin: ORIGIN });
      const finish = await client.post('/bench/register/finish', { identifier, attestationResponse }, {});
      if (finish.status !== 200) throw new Error(`baseline register/finish: ${finish.status} ${JSON.stringify(finish.body)}`);
    },
    stop: () => child.stop(),
  };
}
