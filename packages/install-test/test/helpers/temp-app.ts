import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublishedPackage } from './repo.js';
import { lockedVersion, REPO_ROOT } from './repo.js';
import type { PackedPackage } from './pack.js';
import { appEnv, runOk, type RunResult } from './run.js';

/** Packages the app itself brings, at the versions the repository's lockfile pins. */
const APP_TOOLS = ['vite', '@types/node'];

/**
 * A new app in the system's temp folder, outside the repository, so nothing resolves from the
 * workspace's node_modules: its package.json lists the tarballs and the app's own tools, and
 * `npm install` fetches every dependency from the npm registry (or npm's cache).
 */
export function createTempApp(packed: Record<PublishedPackage, PackedPackage>): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-install-'));
  cpSync(fileURLToPath(new URL('../../fixtures/app/', import.meta.url)), dir, { recursive: true });
  const dependencies: Record<string, string> = {};
  for (const pkg of Object.values(packed)) dependencies[pkg.name] = `file:${pkg.tarball}`;
  for (const tool of APP_TOOLS) dependencies[tool] = lockedVersion(tool);
  const manifest = {
    name: 'latchkey-install-test-app',
    private: true,
    type: 'module',
    dependencies,
    // npm 11 asks before running dependencies' install scripts: better-sqlite3 needs its own, and
    // vite's bundler (esbuild) has one.
    allowScripts: { 'better-sqlite3': true, esbuild: true },
    // What docs/deploy.md tells an app on Node 20 to add (the repository's own): without it npm
    // installs two Fastify dependencies that declare Node 22 and warns EBADENGINE.
    overrides: consumerOverrides(),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/** `npm install` in the app; `--prefer-offline` takes what npm's cache already holds. */
export function installApp(dir: string, env: Record<string, string>): Promise<RunResult> {
  return runOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'warn'], {
    cwd: dir,
    env: appEnv(env),
    timeoutMs: 200_000,
  });
}

/** The `overrides` of the repository's package.json: the ones docs/deploy.md gives consumers. */
export function consumerOverrides(): Record<string, string> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { overrides: Record<string, string> }).overrides;
}
