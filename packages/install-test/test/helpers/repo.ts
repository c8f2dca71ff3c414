import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/install-test/test/helpers/repo.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The packages a team installs from npm, by folder under packages/. */
export const PUBLISHED = ['server', 'node', 'browser', 'web-components'] as const;
export type PublishedPackage = (typeof PUBLISHED)[number];

/** The version the repository's package-lock.json pins for `name` (the root's node_modules entry). */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(`${REPO_ROOT}package-lock.json`, 'utf8')) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`package-lock.json has no node_modules/${name}`);
  return version;
}
