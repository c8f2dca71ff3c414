import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAttestationPolicy } from '../src/attestation/attestation-policy.js';
import { killAllCliProcesses } from './helpers/cli-process.js';
import { runCliPatiently as runCli } from './helpers/run-cli-patiently.js';
import { isoDay, makeCa, makeMdsBlob } from './helpers/attestation-pki.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';

/**
 * `latchkey attestation set` and `latchkey mds import` as an operator runs them. The production
 * command has no way to trust another MDS root than the FIDO Alliance's: a BLOB signed by a test
 * root is refused.
 */

/** Each CLI run starts Node and opens the store: on a loaded 2-core machine that takes seconds. */
const SLOW = 400_000;
const dir = mkdtempSync(join(tmpdir(), 'latchkey-attestation-cli-'));
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await freshDatabase();
  server = await startTestServer({ databaseUrl: database.url });
}, SLOW);
afterAll(async () => {
  killAllCliProcesses();
  expect(errorLogs(server)).toEqual([]);
  await server.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { db: database.url, cwd: dir });

describe('latchkey attestation set', () => {
  it('sets an allow-list (--json) and refuses a policy it does not know with exit 2 and what is accepted', async () => {
    const id = server.main.project.id;
    const set = await cli(['attestation', 'set', '--project', id, '--policy', 'allow', '--aaguid', 'EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4', '--json']);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ projectId: id, attestation: { mode: 'allow', aaguids: ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4'] } });
    expect(await readAttestationPolicy(server.ctx, id)).toEqual({ mode: 'allow', aaguids: ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4'] });

    const bad = await cli(['attestation', 'set', '--project', id, '--policy', 'strict']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trimEnd().split('\n')).toEqual(['latchkey: attestation policy "strict" is not one of none, allow, deny, mds (invalid_attestation_policy)']);
  }, SLOW);
});

describe('latchkey mds import', () => {
  it('refuses a BLOB that does not chain to the FIDO Alliance root, with exit 2', async () => {
    const blob = join(dir, 'blob.jwt');
    writeFileSync(blob, await makeMdsBlob(await makeCa('Not FIDO'), { no: 1, nextUpdate: isoDay(30), entries: [] }));
    const run = await cli(['mds', 'import', blob, '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^latchkey: the MDS BLOB's certificate chain does not lead to the FIDO Alliance root/);
  }, SLOW);
});
