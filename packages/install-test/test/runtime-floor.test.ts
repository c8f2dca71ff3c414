import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { PUBLISHED, REPO_ROOT } from './helpers/repo.js';
import { appEnv, runOk } from './helpers/run.js';
import { runtimeClosure } from './helpers/runtime-closure.js';

/**
 * The runtime floor (`engines.node`, >=20) holds for everything the four published packages load,
 * not only for our own code: no dependency in their run-time closure may declare a Node range that
 * leaves out the floor, and `npm ci` on the Node running this test warns EBADENGINE for nothing.
 */
const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; overrides: Record<string, string> };
const floor = semver.minVersion(root.engines.node)!.version;

describe(`runtime floor: Node ${root.engines.node}`, () => {
  it(`every package the published ones need at run time admits Node ${floor} and this Node (${process.versions.node})`, () => {
    const closure = runtimeClosure(PUBLISHED.map((folder) => join(REPO_ROOT, 'packages', folder)));
    // The closure really is walked (fastify, its cookie library, Swagger UI's static file server …).
    expect(closure.map((p) => p.name)).toEqual(expect.arrayContaining(['fastify', 'light-my-request', 'cookie', '@fastify/static', 'content-disposition', 'jose', 'lit']));
    const excluding = (version: string) =>
      closure.filter((p) => p.node !== undefined && !semver.satisfies(version, p.node)).map((p) => `${p.name}@${p.version} (engines.node ${p.node})`);
    expect(excluding(floor)).toEqual([]);
    expect(excluding(process.versions.node)).toEqual([]);
  });

  it('npm ci (dry run, the lockfile as committed) prints no EBADENGINE on this Node', async () => {
    const result = await runOk('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: REPO_ROOT, env: appEnv() });
    expect(result.stdout + result.stderr).not.toMatch(/EBADENGINE/);
  });

  it('docs/deploy.md gives consumers the same `overrides` the repository uses', () => {
    const deploy = readFileSync(join(REPO_ROOT, 'docs/deploy.md'), 'utf8');
    const block = /```json\n(\{\n\s+"overrides"[\s\S]*?)\n```/.exec(deploy);
    expect(block, 'docs/deploy.md has a ```json block with "overrides"').not.toBeNull();
    expect(JSON.parse(block![1]!)).toEqual({ overrides: root.overrides });
  });
});
