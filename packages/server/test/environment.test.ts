import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig } from '../src/config/config.js';
import { ENVIRONMENT } from '../src/config/environment.js';

/**
 * The environment table (src/config/environment.ts) is what `latchkey --help` prints. These tests
 * fail as soon as the code reads a LATCHKEY_* variable the table does not list, the table lists
 * one nothing reads, or the operator docs miss one.
 */

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const OPERATIONS_MD = fileURLToPath(new URL('../../../docs/operations.md', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every LATCHKEY_* name in the server's source, except in the table itself, with the files naming it. */
function variablesInSource(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    if (file.endsWith(join('config', 'environment.ts'))) continue;
    for (const [name] of readFileSync(file, 'utf8').matchAll(/\bLATCHKEY_[A-Z0-9_]*[A-Z0-9]\b/g)) {
      found.set(name, [...(found.get(name) ?? []), relative(SRC, file)]);
    }
  }
  return found;
}

const listed = new Set(ENVIRONMENT.map((v) => v.name));

describe('the environment table', () => {
  it('lists every LATCHKEY_* variable the source names', () => {
    const missing = [...variablesInSource()].filter(([name]) => !listed.has(name)).map(([name, files]) => `${name} (${files.join(', ')})`);
    expect(missing, 'add these to ENVIRONMENT in src/config/environment.ts').toEqual([]);
  });

  it('lists nothing that loadConfig does not read', () => {
    const read = new Set<string>();
    // A Proxy records every variable loadConfig looks at.
    loadConfig(new Proxy({}, { get: (_, name) => (read.add(String(name)), undefined) }));
    expect([...listed].sort()).toEqual([...read].filter((name) => name.startsWith('LATCHKEY_') || name === 'NODE_ENV').sort());
  });

  it('shows the defaults loadConfig really uses', () => {
    const config = loadConfig({});
    const byName = Object.fromEntries(ENVIRONMENT.map((v) => [v.name, v.default]));
    expect(byName).toMatchObject({
      LATCHKEY_DATABASE_URL: config.databaseUrl,
      LATCHKEY_PORT: String(config.port),
      LATCHKEY_HOST: config.host,
      LATCHKEY_LOG_LEVEL: config.logLevel,
      LATCHKEY_BODY_LIMIT: String(config.bodyLimit),
      LATCHKEY_HOUSEKEEPING_INTERVAL: String(config.housekeepingInterval),
    });
    expect(config.trustProxy).toBe(false);
    expect(byName.LATCHKEY_TRUST_PROXY).toBe('off');
    expect(DEFAULTS.databaseUrl).toBe(config.databaseUrl);
  });

  it('every variable has a row in docs/operations.md', () => {
    const docs = readFileSync(OPERATIONS_MD, 'utf8');
    const undocumented = ENVIRONMENT.filter((v) => v.name.startsWith('LATCHKEY_') && !docs.includes(`| \`${v.name}\` |`)).map((v) => v.name);
    expect(undocumented).toEqual([]);
  });
});
