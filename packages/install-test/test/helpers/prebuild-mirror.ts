import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './repo.js';
import { runOk } from './run.js';

/**
 * better-sqlite3 installs through `prebuild-install || node-gyp rebuild`. Its prebuilt binaries live
 * on GitHub, which this machine cannot reach, so a fresh install compiles SQLite: about 90 s of the
 * 2 cores, longer than the rest of this test together. This mirror hands prebuild-install the binary
 * the workspace already compiled for this very Node (same version, same ABI), through prebuild-install's
 * documented `npm_config_better_sqlite3_binary_host` setting: the same path a team's own prebuild
 * mirror takes. Every other byte of the install comes from the npm registry. Any other ABI gets a 404,
 * so prebuild-install falls back to compiling, as it would anywhere.
 */
export interface PrebuildMirror {
  /** Environment that points prebuild-install at this mirror. */
  env: Record<string, string>;
  /** How many binaries it served (the install test checks it was used, not silently compiled). */
  served(): number;
  close(): Promise<void>;
}

export async function startPrebuildMirror(workDir: string): Promise<PrebuildMirror> {
  const serverRequire = createRequire(join(REPO_ROOT, 'packages/server/package.json'));
  const packageDir = dirname(serverRequire.resolve('better-sqlite3/package.json'));
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const binary = join(packageDir, 'build/Release/better_sqlite3.node');
  if (!existsSync(binary)) throw new Error(`no compiled better-sqlite3 at ${binary}: run npm ci at the repository root`);

  // prebuild-install's archive layout: build/Release/<module>.node inside a .tar.gz.
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const stage = join(workDir, 'prebuild');
  mkdirSync(join(stage, 'build/Release'), { recursive: true });
  copyFileSync(binary, join(stage, 'build/Release/better_sqlite3.node'));
  await runOk('tar', ['-czf', join(workDir, name), '-C', stage, 'build'], { cwd: workDir });
  const archive = readFileSync(join(workDir, name));

  let served = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === `/v${version}/${name}`) {
      served += 1;
      response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.length }).end(archive);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('mirror has no port');
  const host = `http://127.0.0.1:${address.port}`;

  return {
    env: { npm_config_better_sqlite3_binary_host: host },
    served: () => served,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // prebuild-install keeps each download in <npm cache>/_prebuilds under a hash of its URL; the
      // URL holds this run's port, so the copy would never be read again: remove it.
      const url = `${host}/v${version}/${name}`;
      const cache = process.env.npm_config_cache || join(process.env.HOME ?? '', '.npm');
      const digest = createHash('sha512').update(url).digest('hex').slice(0, 6);
      rmSync(join(cache, '_prebuilds', `${digest}-${name.replace(/[^a-zA-Z0-9.]+/g, '-')}`), { force: true });
    },
  };
}
