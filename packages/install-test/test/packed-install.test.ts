import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll, type PackedPackage } from './helpers/pack.js';
import { startPrebuildMirror } from './helpers/prebuild-mirror.js';
import { PUBLISHED, REPO_ROOT, type PublishedPackage } from './helpers/repo.js';
import { appEnv, run, runOk, type RunResult } from './helpers/run.js';
import { serveFrom, type ServingLatchkey } from './helpers/serve.js';
import { runtimeClosure } from './helpers/runtime-closure.js';
import { createTempApp, installApp } from './helpers/temp-app.js';

/**
 * The path a team outside this repository takes: the four published packages as `npm pack` makes
 * them, installed into a new app in the system's temp folder with nothing else from the repository,
 * then the CLI, the Node SDK, the types and a vite bundle used from that app.
 */

const ORIGIN = 'http://localhost:5173';
/** The oldest Node the published packages admit (`engines.node` of the root package.json, >=20). */
const FLOOR = semver.minVersion(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).engines.node)!.version;
let workDir: string;
let appDir: string;
let packed: Record<PublishedPackage, PackedPackage>;
let install: RunResult;
let mirrorServed = 0;
let latchkey: ServingLatchkey | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'latchkey-pack-'));
  const started = Date.now();
  packed = await packAll(join(workDir, 'tarballs'));
  const packedAt = Date.now();
  appDir = createTempApp(packed);
  const mirror = await startPrebuildMirror(workDir);
  try {
    install = await installApp(appDir, mirror.env);
    console.log(`npm pack ${packedAt - started} ms, npm install ${Date.now() - packedAt} ms`);
  } finally {
    mirrorServed = mirror.served();
    await mirror.close();
  }
  env = appEnv({ LATCHKEY_DATABASE_URL: `file:${join(appDir, 'data', 'latchkey.sqlite')}`, LATCHKEY_PORT: '0', LATCHKEY_LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await latchkey?.stop();
  if (!process.env.KEEP_INSTALL_TEST) for (const dir of [appDir, workDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it.each(PUBLISHED)('%s declares what a registry and a user need: license, repository, engines, typed exports', (folder) => {
    const manifest = JSON.parse(readFileSync(join(appDir, 'node_modules', packed[folder].name, 'package.json'), 'utf8'));
    expect(manifest.license).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).license);
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${folder}` });
    expect(manifest.engines.node).toBe('>=20');
    expect(packed[folder].files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    // Every export has its types and its code in the tarball.
    for (const [subpath, target] of Object.entries(manifest.exports as Record<string, string | { types: string; default: string }>)) {
      if (subpath === './package.json') continue;
      expect(typeof target, `${folder} exports ${subpath} without conditions`).toBe('object');
      const { types, default: code } = target as { types: string; default: string };
      for (const file of [types, code]) expect(existsSync(join(appDir, 'node_modules', packed[folder].name, file)), `${folder}: ${file}`).toBe(true);
    }
    // Nothing a test or the workspace uses rides along.
    expect(packed[folder].files.filter((f) => /^(src|test|bench)\//.test(f) || f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('the server ships its migrations compiled and its CLI launcher', () => {
    expect(packed.server.files).toEqual(expect.arrayContaining(['bin/latchkey.js', 'dist/cli/main.js', 'dist/store/migrations/0001-initial.js']));
  });

  it('install with only the tarballs and the registry: no workspace package is fetched, better-sqlite3 from the prebuild mirror', () => {
    const installed = readdir(join(appDir, 'node_modules', '@latchkey'));
    expect(installed.sort()).toEqual(['browser', 'node', 'server', 'web-components']);
    expect(mirrorServed).toBe(1);
    expect(install.stderr).not.toMatch(/ERR!/);
  });

  it('EBADENGINE: none, on Node 20 (with the overrides docs/deploy.md gives) as on 22 and later', () => {
    expect(install.stdout + install.stderr).not.toMatch(/EBADENGINE/);
  });

  it(`every package the app loads at run time admits the packages' floor (Node ${FLOOR}) and this Node`, () => {
    const closure = runtimeClosure(PUBLISHED.map((folder) => join(appDir, 'node_modules', packed[folder].name)));
    expect(closure.map((p) => p.name)).toEqual(expect.arrayContaining(['fastify', 'cookie', 'content-disposition']));
    for (const version of [FLOOR, process.versions.node]) {
      expect(closure.filter((p) => p.node !== undefined && !semver.satisfies(version, p.node)).map((p) => `${p.name}@${p.version} (${p.node})`), `Node ${version}`).toEqual([]);
    }
  });
});

describe('used from the app', () => {
  it('`latchkey serve` (node_modules/.bin) starts on a fresh SQLite file and answers /readyz', async () => {
    latchkey = await serveFrom(appDir, env);
    const ready = await fetch(`${latchkey.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(existsSync(join(appDir, 'data', 'latchkey.sqlite'))).toBe(true);
  });

  it('`npx latchkey project create`, then a passkey append, login and verify through the installed Node SDK', async () => {
    expect(latchkey, 'serve started').toBeDefined();
    const created = await runOk('npx', ['--no-install', 'latchkey', 'project', 'create', '--name', 'Install test', '--rp-id', 'localhost', '--origin', ORIGIN, '--json'], { cwd: appDir, env });
    const { projectId, apiSecret } = JSON.parse(created.stdout) as { projectId: string; apiSecret: string };
    expect(projectId).toMatch(/^pro-/);

    const testkit = pathToFileURL(join(REPO_ROOT, 'packages/testkit/dist/index.js')).href;
    const flow = await runOk('node', ['login-and-verify.mjs'], {
      cwd: appDir,
      env: { ...env, LATCHKEY_URL: latchkey!.url, PROJECT_ID: projectId, API_SECRET: apiSecret, ORIGIN, TESTKIT_URL: testkit },
    });
    const { first, replay } = JSON.parse(flow.stdout) as { first: { verificationResult: string; username: string }; replay: { verificationResult: string } };
    expect(first).toMatchObject({ verificationResult: 'success', username: 'ada@example.com' });
    expect(replay.verificationResult).toBe('alreadyUsed');
  });

  it('latchkey serve stops cleanly on SIGTERM', async () => {
    expect(latchkey, 'serve started').toBeDefined();
    const code = await latchkey!.stop();
    latchkey = undefined;
    expect(code).toBe(0);
  });

  it('the installed packages type-check from a TypeScript app (nodenext resolution)', async () => {
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run('node', [tsc, '-p', 'tsconfig.json'], { cwd: appDir, env });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('vite bundles the installed browser SDK, the web components and the self-contained elements bundle', async () => {
    await runOk('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], { cwd: appDir, env });
    const assets = readdir(join(appDir, 'dist', 'assets')).filter((f) => f.endsWith('.js'));
    const entry = (name: string) => {
      const file = assets.find((f) => f.startsWith(`${name}-`));
      expect(file, `${name} entry among ${assets.join(', ')}`).toBeDefined();
      return readFileSync(join(appDir, 'dist', 'assets', file!), 'utf8');
    };
    // Each page's code has the SDK's requests and the element names, and nothing Node-only.
    for (const code of [entry('app'), entry('elements')]) {
      expect(code).toContain('/login/finish');
      expect(code).toContain('latchkey-login');
      expect(code).not.toMatch(/from\s*["']node:/);
    }
  });
});

function readdir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
