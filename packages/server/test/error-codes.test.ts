import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../scripts/contract/contract-files.js';
import { CLI_ERROR_CODES, ERROR_CODES } from '../src/errors/error-codes.js';
import { openApiDocument } from '../scripts/contract/openapi-document.js';

/**
 * src/errors/error-codes.ts is the one list of the API's error codes. LatchkeyError's `code` is typed
 * by it (an unlisted code does not compile); these tests hold the document and the reference page
 * to it: the OpenAPI enum is the list, and docs/api.md's error tables name every code and no other.
 */

/** The backticked codes in the `code` column of every table in docs/api.md's "Errors" section. */
function documentedCodes(): string[] {
  const page = readFileSync(join(REPO_ROOT, 'docs/api.md'), 'utf8');
  const section = page.slice(page.indexOf('\n## Errors\n'), page.indexOf('\n## ', page.indexOf('\n## Errors\n') + 1));
  const codes: string[] = [];
  let column = -1;
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) {
      column = -1;
      continue;
    }
    const cells = line.split('|').map((cell) => cell.trim());
    if (column === -1) {
      column = cells.indexOf('code');
      continue;
    }
    for (const [, code] of (cells[column] ?? '').matchAll(/`([a-z_]+)`/g)) codes.push(code!);
  }
  return codes;
}

describe('error codes: one list (src/errors/error-codes.ts)', () => {
  it('has no duplicates, and no code both in the API list and among the CLI-only ones', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES.filter((code) => (CLI_ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
    for (const code of [...ERROR_CODES, ...CLI_ERROR_CODES]) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('the OpenAPI error shape declares exactly this list as the enum of `code` (the SDKs’ ErrorCode)', async () => {
    const document = await openApiDocument();
    expect(document.components.schemas.ErrorBody.properties.error.properties.code).toEqual({ $ref: '#/components/schemas/ErrorCode' });
    expect(document.components.schemas.ErrorCode.enum).toEqual([...ERROR_CODES]);
  });

  it('docs/api.md’s error tables list every code of the list, and no code that is not in it', () => {
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(40);
    expect(ERROR_CODES.filter((code) => !documented.includes(code)), 'codes missing from docs/api.md').toEqual([]);
    expect(documented.filter((code) => !(ERROR_CODES as readonly string[]).includes(code)), 'documented codes the server never answers').toEqual([]);
  });
});
