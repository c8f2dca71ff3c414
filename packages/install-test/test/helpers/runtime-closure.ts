import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface InstalledPackage {
  name: string;
  version: string;
  /** `engines.node` as the package declares it, if it does. */
  node: string | undefined;
  dir: string;
}

/**
 * Every package the given ones need at run time, as installed: their `dependencies`,
 * `optionalDependencies` and `peerDependencies`, transitively, each resolved the way Node resolves
 * it (the nearest `node_modules` up from the package's real folder). Dev dependencies are not
 * followed: an app that installs the published packages never gets them.
 */
export function runtimeClosure(packageDirs: string[]): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const queue = packageDirs.map((dir) => realpathSync(dir));
  while (queue.length > 0) {
    const dir = queue.pop()!;
    if (found.has(dir)) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    found.set(dir, { name: manifest.name, version: manifest.version, node: manifest.engines?.node, dir });
    const wanted = { ...manifest.peerDependencies, ...manifest.optionalDependencies, ...manifest.dependencies };
    for (const name of Object.keys(wanted)) {
      const resolved = resolveFrom(dir, name);
      // A missing optional or peer dependency is allowed; a missing required one is npm's to report.
      if (resolved) queue.push(resolved);
    }
  }
  return [...found.values()];
}

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function resolveFrom(dir: string, name: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(at) === at) return undefined;
  }
}
