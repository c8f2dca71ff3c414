import { readFileSync } from 'node:fs';

/** The version of the installed @latchkey/server package (dist/cli/ and src/cli/ both sit two levels below it). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
