import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Project } from '../src/projects/project.js';
import { openStore } from '../src/store/store.js';
import { SoftAuthenticator } from '@latchkey/testkit';
import { signedPasskeyData } from './helpers/ceremonies.js';
import { BIN, childEnv, type Run } from './helpers/cli-process.js';
import { cliSuite, ORIGINS, SLOW, verifyJunk, type Created } from './helpers/cli-suite.js';
import { httpRequest, projectClient } from './helpers/http-client.js';

/**
 * `latchkey project delete`: everything in the project goes, in one go, nothing of any other
 * project; in a terminal it asks first, without one it needs --yes.
 */

const suite = cliSuite();
const { cli, cliJson, cliFails } = suite;

/** Rows a project still has, per table, read straight from the store. */
async function rowsOf(projectId: string): Promise<Record<string, number>> {
  const store = openStore(suite.db);
  try {
    const counts: Record<string, number> = {};
    for (const table of ['api_secrets', 'signing_keys', 'users', 'credentials', 'connect_tokens', 'processes', 'challenges', 'spent_tokens', 'passkey_events', 'adoption_events', 'user_devices', 'project_policies'] as const) {
      const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    const project = await store.db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst();
    counts.projects = project ? 1 : 0;
    return counts;
  } finally {
    await store.close();
  }
}

/** `latchkey …` in a pseudo-terminal (util-linux `script`), typing `input`: how a person at a terminal runs it. */
function cliInTerminal(args: string[], input: string): Promise<Run> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: suite.cwd, env: childEnv({ LATCHKEY_DATABASE_URL: suite.db }), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(input);
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

describe('latchkey project delete', () => {
  /** A project with a user, a passkey, a login, a verified token, a connect token, a second secret and a rotated key. */
  async function populatedProject(name: string): Promise<Created> {
    const created = await cliJson<Created>(['project', 'create', '--name', name, '--rp-id', 'localhost', ...ORIGINS]);
    const p = projectClient(suite.server.url, created.project, created.apiSecret);
    const token = await signedPasskeyData(p, new SoftAuthenticator(), `${name.toLowerCase()}@example.com`);
    expect((await p.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: token })).body.verificationResult).toBe('success');
    expect((await p.backend('POST', '/connectTokens', { type: 'passkey-list', data: { identifier: `${name.toLowerCase()}@example.com` } })).status).toBe(201);
    await cliJson(['secret', 'create', '--project', created.projectId]);
    await cliJson(['keys', 'rotate', '--project', created.projectId]);
    return created;
  }

  it('--yes deletes the project and everything in it, in one go; other projects are untouched', async () => {
    const [doomed, bystander] = await Promise.all([populatedProject('Doomed'), populatedProject('Bystander')]);
    // An adoption policy and a client event belong to the project too.
    const doomedClient = projectClient(suite.server.url, doomed.project, doomed.apiSecret);
    expect((await doomedClient.backend('PATCH', '/policy', { oneTap: true })).status).toBe(200);
    expect((await doomedClient.backend('POST', '/events', { events: [{ type: 'password-login', method: 'password' }] })).status).toBe(202);
    const bystanderRows = await rowsOf(bystander.projectId);
    const before = await rowsOf(doomed.projectId);
    expect(before).toMatchObject({ projects: 1, api_secrets: 2, signing_keys: 2, users: 1, credentials: 1, connect_tokens: 2, spent_tokens: 1, project_policies: 1 });
    // The server's own funnel records of the append and login, and the reported password login.
    expect(before.adoption_events).toBeGreaterThan(1);

    const result = await cliJson<{ projectId: string; deleted: Record<string, number> }>(['project', 'delete', doomed.projectId, '--yes']);
    expect(result).toEqual({
      projectId: doomed.projectId,
      deleted: {
        users: 1, passkeys: 1, apiSecrets: 2, signingKeys: 2, connectTokens: 2, spentTokens: 1,
        passkeyEvents: before.passkey_events, processes: before.processes, challenges: before.challenges,
        adoptionRecords: before.adoption_events! + before.user_devices! + before.project_policies!,
      },
    });
    expect(Object.values(await rowsOf(doomed.projectId))).toEqual(Object.values(before).map(() => 0));
    expect(await rowsOf(bystander.projectId)).toEqual(bystanderRows);

    // The CLI and the running server no longer know it; the bystander still works.
    expect(await cliFails(['project', 'show', doomed.projectId])).toMatch(/no project/);
    expect((await verifyJunk(suite.server.url, doomed.projectId, doomed.apiSecret)).body.error.code).toBe('invalid_credentials');
    // The JWKS goes by the server's project cache: a project deleted by another process (this CLI)
    // is gone from it within 2 s (docs/operations.md), and from then on 404.
    await expect.poll(async () => (await httpRequest(suite.server.url, 'GET', `/v2/projects/${doomed.projectId}/.well-known/jwks.json`)).status, { timeout: 5_000, interval: 250 }).toBe(404);
    expect((await verifyJunk(suite.server.url, bystander.projectId, bystander.apiSecret)).body.verificationResult).toBe('invalidSignature');
    // Deleting it again: not found.
    expect((await cli(['project', 'delete', doomed.projectId, '--yes'])).code).toBe(3);
  }, SLOW);

  it('in a terminal it asks first: "n" deletes nothing (exit 1), "y" deletes', async () => {
    const created = await populatedProject('Asked');
    const before = await rowsOf(created.projectId);
    const declined = await cliInTerminal(['project', 'delete', created.projectId], 'n\n');
    expect(declined.code, declined.stdout).toBe(1);
    expect(declined.stdout).toContain(`Delete project ${created.projectId} "Asked" (RP ID localhost) with 1 users, 1 passkeys, 2 API secrets, 2 signing keys, 2 connect tokens`);
    expect(declined.stdout).toContain('latchkey: not deleted');
    expect(await rowsOf(created.projectId)).toEqual(before);

    const confirmed = await cliInTerminal(['project', 'delete', created.projectId], 'y\n');
    expect(confirmed.code, confirmed.stdout).toBe(0);
    expect(confirmed.stdout).toContain(`deleted ${created.projectId} "Asked": 1 users, 1 passkeys`);
    expect((await rowsOf(created.projectId)).projects).toBe(0);
  }, SLOW);

  it('without --yes and without a terminal it deletes nothing (exit 2)', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Kept', '--rp-id', 'localhost', ...ORIGINS]);
    expect((await cli(['project', 'delete', created.projectId, '--json'])).code).toBe(2);
    expect((await cliJson<{ project: Project }>(['project', 'show', created.projectId])).project).toEqual(created.project);
  }, SLOW);
});
