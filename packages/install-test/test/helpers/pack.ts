import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLISHED, REPO_ROOT, type PublishedPackage } from './repo.js';
import { runOk } from './run.js';

export interface PackedPackage {
  name: string;
  /** Absolute path of the .tgz */
  tarball: string;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
}

/** `npm pack` of each published package (its prepack runs, as on `npm publish`) into `destination`. */
export async function packAll(destination: string): Promise<Record<PublishedPackage, PackedPackage>> {
  mkdirSync(destination, { recursive: true });
  const workspaces = PUBLISHED.flatMap((folder) => ['-w', `packages/${folder}`]);
  const { stdout } = await runOk('npm', ['pack', ...workspaces, '--json', '--pack-destination', destination], { cwd: REPO_ROOT });
  // npm may print the prepack scripts' banners on stdout before the JSON array.
  const reports = JSON.parse(stdout.slice(stdout.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
  const packed = {} as Record<PublishedPackage, PackedPackage>;
  for (const folder of PUBLISHED) {
    const report = reports.find((r) => r.name === `@latchkey/${folder}`);
    if (!report) throw new Error(`npm pack printed no report for @latchkey/${folder}`);
    packed[folder] = { name: report.name, tarball: join(destination, report.filename), files: report.files.map((f) => f.path) };
  }
  return packed;
}
