import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../src/projects/project.js';
import { openStore } from '../src/store/store.js';
import { SoftAuthenticator } from '@latchkey/testkit';
import { signedPasskeyData } from './helpers/ceremonies.js';
import { basicAuth, httpRequest, projectClient } from './helpers/http-client.js';
import { freshDatabase, TEST_STORE, type TestDatabase } from './helpers/test-store.js';
import { BIN, childEnv, ENTRY, killAllCliProcesses, runCli, runCliFails, runCliJson, serveCli, startCli, type Run, type RunOptions, type Served } from './helpers/cli-process.js';

/**
 * The real `latchkey` command as an operator runs it: `node bin/latchkey.js …` in a child process,
 * on the store this run tests (a SQLite file or a PostgreSQL database), with `latchkey serve` as a
 * real server process beside it.
 */

const dirs: string[] = [];
const databases: TestDatabase[] = [];

/** A fresh store of the kind this run tests, dropped after the suite. */
async function freshDb(): Promise<string> {
  const database = await freshDatabase();
  databases.push(database);
  return database.url;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-'));
  dirs.push(dir);
  return dir;
}

/** The helpers of cli-process.ts, defaulting to the suite's shared store and a directory without a .env. */
const withDefaults = (options: Partial<RunOptions> = {}): RunOptions => ({ db: sharedDb, cwd: quietDir, ...options });
const start = (args: string[], options?: Partial<RunOptions>) => startCli(args, withDefaults(options));
const cli = (args: string[], options?: Partial<RunOptions>) => runCli(args, withDefaults(options));
const cliJson = <T = any>(args: string[], options?: Partial<RunOptions>) => runCliJson<T>(args, withDefaults(options));
const cliFails = (args: string[], options?: Partial<RunOptions>) => runCliFails(args, withDefaults(options));
const serve = (args: string[] = [], options?: Partial<RunOptions>, probe = true) => serveCli(args, withDefaults(options), probe);

/** verifySignedData with a junk token: 200 invalidSignature proves the credentials were accepted. */
const verifyJunk = (url: string, projectId: string, secret: string) =>
  httpRequest(url, 'POST', '/v2/passkey/verifySignedData', { body: { signedPasskeyData: 'x' }, headers: { authorization: basicAuth(projectId, secret) } });


/** For tests that run many CLI processes one after another (each one starts Node and opens the store). */
const SLOW = 180_000;

const ORIGINS = ['--origin', 'http://localhost:3000', '--origin', 'http://localhost:4000'];

interface Created {
  projectId: string;
  apiSecret: string;
  apiSecretId: string;
  project: Project;
}

let quietDir: string;
let sharedDb: string;
let server: Served;

beforeAll(async () => {
  if (!existsSync(ENTRY)) {
    throw new Error(`${ENTRY} is missing: the CLI is not built. Run \`npm run build\` in packages/server (\`npm test\` builds before running vitest).`);
  }
  quietDir = tempDir();
  sharedDb = await freshDb();
  server = await serve();
});

afterAll(async () => {
  try {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  } finally {
    killAllCliProcesses();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const database of databases) await database.drop();
  }
});

describe('latchkey project', () => {
  it('create --json prints exactly one JSON object with the project id and the API secret', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Shop', '--rp-id', 'localhost', ...ORIGINS]);
    expect(created.projectId).toMatch(/^pro-\d{19}$/);
    expect(created.apiSecret).toMatch(/^latchkey1_[0-9A-Za-z]{40}$/);
    expect(created.project).toMatchObject({
      id: created.projectId,
      name: 'Shop',
      rpId: 'localhost',
      rpName: 'Shop',
      origins: ['http://localhost:3000', 'http://localhost:4000'],
      tokenTtl: 300,
    });
  });

  it('create honours --rp-name and --token-ttl', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Blog', '--rp-id', 'localhost', '--origin', 'http://localhost:3000', '--rp-name', 'My Blog', '--token-ttl', '120']);
    const shown = await cliJson<{ project: Project }>(['project', 'show', created.projectId]);
    expect(shown.project).toMatchObject({ id: created.projectId, name: 'Blog', rpName: 'My Blog', tokenTtl: 120, origins: ['http://localhost:3000'] });
  });

  it('list, show and update (--origin replaces the whole list)', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Forum', '--rp-id', 'localhost', ...ORIGINS]);
    const [listed, shown] = await Promise.all([cliJson<{ projects: Project[] }>(['project', 'list']), cliJson<{ project: Project }>(['project', 'show', created.projectId])]);
    expect(listed.projects).toContainEqual(created.project);
    expect(shown.project).toEqual(created.project);

    const updated = await cliJson<{ project: Project }>(['project', 'update', created.projectId, '--origin', 'https://a.localhost', '--token-ttl', '200']);
    expect(updated.project).toMatchObject({ id: created.projectId, name: 'Forum', rpId: 'localhost', origins: ['https://a.localhost'], tokenTtl: 200 });
    expect((await cliJson<{ project: Project }>(['project', 'show', created.projectId])).project).toEqual(updated.project);
  });

  it('refuses bad input with a non-zero exit, the reason on stderr and nothing on stdout', async () => {
    const before = await cliJson<{ projects: Project[] }>(['project', 'list']);
    const create = (...extra: string[]) => ['project', 'create', '--name', 'Bad', '--json', ...extra];
    const [insecureOrigin, uncovered, longTtl, unknown] = await Promise.all([
      cliFails(create('--rp-id', 'evil.com', '--origin', 'http://evil.com')),
      cliFails(create('--rp-id', 'example.com', '--origin', 'https://app.other.com')),
      cliFails(create('--rp-id', 'localhost', '--origin', 'http://localhost:3000', '--token-ttl', '601')),
      cliFails(['project', 'show', 'pro-1000000000000000000', '--json']),
    ]);
    expect(insecureOrigin).toContain('http://evil.com');
    expect(insecureOrigin).toMatch(/must use https/);
    expect(uncovered).toMatch(/RP ID "example\.com" does not cover origin https:\/\/app\.other\.com/);
    expect(longTtl).toMatch(/token lifetime .* 10 to 600/);
    expect(unknown).toMatch(/no project pro-1000000000000000000/);
    // Nothing was half-created.
    expect((await cliJson<{ projects: Project[] }>(['project', 'list'])).projects).toEqual(before.projects);
  });
});

describe('latchkey project update', () => {
  it('changes every setting: name, RP name, origins added / removed / replaced, token lifetime', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Settings', '--rp-id', 'localhost', ...ORIGINS]);
    const update = (...args: string[]) => cliJson<{ project: Project }>(['project', 'update', created.projectId, ...args]);
    expect((await update('--name', 'Renamed', '--rp-name', 'Renamed shop')).project).toMatchObject({ name: 'Renamed', rpName: 'Renamed shop', origins: created.project.origins });
    // Added origins are normalised (no trailing slash, lower-case host) and listed once.
    expect((await update('--add-origin', 'https://App.localhost/', '--add-origin', 'http://localhost:3000')).project.origins).toEqual([
      'http://localhost:3000', 'http://localhost:4000', 'https://app.localhost',
    ]);
    expect((await update('--remove-origin', 'http://localhost:4000/', '--token-ttl', '60')).project).toMatchObject({ origins: ['http://localhost:3000', 'https://app.localhost'], tokenTtl: 60 });
    expect((await update('--origin', 'https://login.localhost')).project.origins).toEqual(['https://login.localhost']);
    const shown = (await cliJson<{ project: Project }>(['project', 'show', created.projectId])).project;
    expect(shown).toMatchObject({ id: created.projectId, name: 'Renamed', rpName: 'Renamed shop', rpId: 'localhost', origins: ['https://login.localhost'], tokenTtl: 60 });
    expect(shown.updatedAt).toBeGreaterThanOrEqual(shown.createdAt);
    // The running server honours the new origins at once.
    const p = projectClient(server.url, shown, created.apiSecret);
    expect((await p.frontend('/login/init', {}, { origin: 'https://login.localhost' })).status).toBe(200);
    expect((await p.frontend('/login/init', {}, { origin: 'http://localhost:3000' })).body.error.code).toBe('origin_not_allowed');
  }, SLOW);

  it('validates like create: refused changes exit 2 with the reason, and change nothing', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Strict', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const id = created.projectId;
    const refused = [
      ['--add-origin', 'http://app.example.com'],
      ['--add-origin', 'https://app.example.com'],
      ['--remove-origin', 'http://localhost:3000'],
      ['--remove-origin', 'http://localhost:9999'],
      ['--token-ttl', '601'],
      ['--name', '   '],
      ['--origin', 'https://a.localhost/path'],
      ['--name', 'Never', '--add-origin', 'ftp://localhost'],
    ];
    // One after another: a loaded machine must not turn this into a test of process start-up.
    const refusals: Run[] = [];
    for (const args of refused) refusals.push(await cli(['project', 'update', id, ...args]));
    const messages = refusals.map((run: Run) => {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      return run.stderr;
    });
    expect(messages).toEqual([
      expect.stringMatching(/"http:\/\/app\.example\.com" must use https/),
      expect.stringMatching(/RP ID "localhost" does not cover origin https:\/\/app\.example\.com/),
      expect.stringMatching(/a project needs at least one origin/),
      expect.stringMatching(/http:\/\/localhost:9999 is not one of the project's origins \(http:\/\/localhost:3000\)/),
      expect.stringMatching(/token lifetime .* 10 to 600/),
      expect.stringMatching(/project name must be 1 to 200 characters/),
      expect.stringMatching(/must be an origin only/),
      expect.stringMatching(/must use https/),
    ]);
    expect((await cliJson<{ project: Project }>(['project', 'show', id])).project).toEqual(created.project);
  }, SLOW);

  it('concurrent --add-origin updates all land', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Concurrent', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const added = ['https://a.localhost', 'https://b.localhost', 'https://c.localhost'];
    await Promise.all(added.map((origin) => cliJson(['project', 'update', created.projectId, '--add-origin', origin])));
    const { project } = await cliJson<{ project: Project }>(['project', 'show', created.projectId]);
    expect([...project.origins].sort()).toEqual(['http://localhost:3000', ...added].sort());
  }, SLOW);

  it('an unknown project: exit 3', async () => {
    expect(await cliFails(['project', 'update', 'pro-1000000000000000000', '--name', 'X'])).toMatch(/no project pro-1000000000000000000/);
  });
});

/** Rows a project still has, per table, read straight from the store. */
async function rowsOf(projectId: string): Promise<Record<string, number>> {
  const store = openStore(sharedDb);
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
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: quietDir, env: childEnv({ LATCHKEY_DATABASE_URL: sharedDb }), stdio: ['pipe', 'pipe', 'pipe'] });
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

describe('latchkey project: native apps and related origins', () => {
  const FP = 'FA:C6:17:45:DC:09:03:78:6F:B9:ED:E6:2A:96:2B:39:9F:73:48:F0:BB:6F:89:9B:83:32:66:75:91:03:3B:9C';
  const FP2 = Array.from({ length: 32 }, (_, i) => (i * 7 + 3).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const RELATION = ['delegate_permission/common.handle_all_urls', 'delegate_permission/common.get_login_creds'];

  it('create, add and remove apps and related origins; show --json and well-known print them exactly', async () => {
    const created = await cliJson<Created>([
      'project', 'create', '--name', 'Native', '--rp-id', 'localhost', '--origin', 'http://localhost:3000', '--origin', 'https://localhost',
      '--android-app', `com.example.shop:${FP.toLowerCase()}`, '--ios-app', 'ABCDE12345.com.example.shop', '--related-origin', 'https://shop.example.de/',
    ]);
    const id = created.projectId;
    expect(created.project).toMatchObject({
      relatedOrigins: ['https://shop.example.de'],
      androidApps: [{ packageName: 'com.example.shop', sha256CertFingerprint: FP }],
      iosApps: [{ teamId: 'ABCDE12345', bundleId: 'com.example.shop' }],
    });
    const update = (...args: string[]) => cliJson<{ project: Project }>(['project', 'update', id, ...args]);
    const updated = await update('--add-android-app', `com.example.shop:${FP2}`, '--add-android-app', `com.example.admin:${FP}`, '--add-ios-app', 'ABCDE12345.com.example.admin', '--add-related-origin', 'https://shop.example.fr');
    expect(updated.project.androidApps).toEqual([
      { packageName: 'com.example.shop', sha256CertFingerprint: FP },
      { packageName: 'com.example.shop', sha256CertFingerprint: FP2 },
      { packageName: 'com.example.admin', sha256CertFingerprint: FP },
    ]);
    const removed = await update('--remove-android-app', 'com.example.admin', '--remove-ios-app', 'ABCDE12345.com.example.admin', '--remove-related-origin', 'https://shop.example.fr');
    expect(removed.project).toMatchObject({
      relatedOrigins: ['https://shop.example.de'],
      androidApps: [{ packageName: 'com.example.shop', sha256CertFingerprint: FP }, { packageName: 'com.example.shop', sha256CertFingerprint: FP2 }],
      iosApps: [{ teamId: 'ABCDE12345', bundleId: 'com.example.shop' }],
    });

    const documents = {
      assetlinks: [{ relation: RELATION, target: { namespace: 'android_app', package_name: 'com.example.shop', sha256_cert_fingerprints: [FP, FP2] } }],
      appleAppSiteAssociation: { webcredentials: { apps: ['ABCDE12345.com.example.shop'] } },
      webauthn: { origins: ['https://shop.example.de'] },
    };
    expect(await cliJson(['project', 'well-known', id])).toEqual(documents);
    // --only prints the file's content as it is to be hosted.
    const only = await cli(['project', 'well-known', id, '--only', 'assetlinks']);
    expect(only).toMatchObject({ code: 0, stderr: '' });
    expect(only.stdout).toBe(`${JSON.stringify(documents.assetlinks, null, 2)}\n`);
    // Without --json: each document under the URL it is to be served at.
    const human = await cli(['project', 'well-known', id]);
    expect(human.stdout).toContain(`# https://localhost/.well-known/assetlinks.json\n${JSON.stringify(documents.assetlinks, null, 2)}\n`);
    expect(human.stdout).toContain('# https://localhost/.well-known/webauthn\n{\n  "origins": [\n    "https://shop.example.de"\n  ]\n}');
    // The served documents are the same.
    expect((await httpRequest(server.url, 'GET', `/v2/projects/${id}/.well-known/assetlinks.json`)).body).toEqual(documents.assetlinks);
  }, SLOW);

  it('refuses malformed apps and related origins: exit 2, one line naming what is accepted; nothing changes', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Strict apps', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const id = created.projectId;
    const sha1 = FP.split(':').slice(0, 20).join(':');
    // Every refusal's wording is tested in native-apps.test.ts; here, that the CLI says it in one line and exits 2.
    const refused: Array<[string[], RegExp]> = [
      [['--add-android-app', 'com.example.shop:FA:C6:ZZ'], /^latchkey: "FA:C6:ZZ" is not colon-separated hex pairs; accepted: <package\.name>:<SHA-256 of the signing certificate in colon hex, 32 bytes/],
      [['--add-android-app', `com.example.shop:${sha1}`], /^latchkey: the fingerprint of com\.example\.shop has 20 bytes, a SHA-256 has 32 \(this looks like a SHA-1: copy the SHA-256 line\); accepted: /],
      [['--add-ios-app', 'abcde12345.com.example.shop'], /^latchkey: "abcde12345" is not an Apple team ID; accepted: <TEAMID>\.<bundle\.id>/],
      [['--add-related-origin', 'http://shop.example.de'], /^latchkey: related origin "http:\/\/shop\.example\.de" must use https \(invalid_related_origin\)\n$/],
    ];
    for (const [args, expected] of refused) {
      const run = await cli(['project', 'update', id, ...args]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(expected);
    }
    expect((await cliJson<{ project: Project }>(['project', 'show', id])).project).toEqual(created.project);
  }, SLOW);

  it('warns on stderr when related origins span more than 5 labels, or iOS apps lack https://<RP ID>', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Wide', '--rp-id', 'localhost', '--origin', 'http://localhost:3000']);
    const labels = ['https://a.example', 'https://b.example', 'https://c.example', 'https://a.example.de', 'https://d.example', 'https://e.example'];
    const wide = await cli(['project', 'update', created.projectId, ...labels.flatMap((origin) => ['--add-related-origin', origin]), '--json']);
    expect(wide.code).toBe(0);
    expect(JSON.parse(wide.stdout).project.relatedOrigins).toEqual(labels);
    // Labels are registrable domains without their public suffix: a.example is "a", a.example.de is "example".
    expect(wide.stderr).toBe(
      'latchkey: warning: the related origins span 6 registrable-domain labels (a, b, c, example, d, e); browsers honour only the first 5, so passkeys will not work on origins labelled e\n',
    );
    const ios = await cli(['project', 'update', created.projectId, '--remove-related-origin', 'https://e.example', '--add-ios-app', 'ABCDE12345.com.example.shop', '--json']);
    expect(ios.code).toBe(0);
    expect(ios.stderr).toBe('latchkey: warning: iOS apps sign with origin https://localhost, which is not one of the project\'s origins; allow it with --add-origin https://localhost\n');
  }, SLOW);
});

describe('latchkey project delete', () => {
  /** A project with a user, a passkey, a login, a verified token, a connect token, a second secret and a rotated key. */
  async function populatedProject(name: string): Promise<Created> {
    const created = await cliJson<Created>(['project', 'create', '--name', name, '--rp-id', 'localhost', ...ORIGINS]);
    const p = projectClient(server.url, created.project, created.apiSecret);
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
    const doomedClient = projectClient(server.url, doomed.project, doomed.apiSecret);
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
    expect((await verifyJunk(server.url, doomed.projectId, doomed.apiSecret)).body.error.code).toBe('invalid_credentials');
    // The JWKS goes by the server's project cache: a project deleted by another process (this CLI)
    // is gone from it within 2 s (docs/operations.md), and from then on 404.
    await expect.poll(async () => (await httpRequest(server.url, 'GET', `/v2/projects/${doomed.projectId}/.well-known/jwks.json`)).status, { timeout: 5_000, interval: 250 }).toBe(404);
    expect((await verifyJunk(server.url, bystander.projectId, bystander.apiSecret)).body.verificationResult).toBe('invalidSignature');
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

describe('latchkey secret, against a running server', () => {
  it('create, list (hints only) and revoke; the server honours a revocation at once', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Secrets', '--rp-id', 'localhost', ...ORIGINS]);
    const first = { id: created.apiSecretId, secret: created.apiSecret };
    const made = await cliJson<{ apiSecretId: string; apiSecret: string; projectId: string }>(['secret', 'create', '--project', created.projectId]);
    expect(made.projectId).toBe(created.projectId);
    expect(made.apiSecretId).toMatch(/^sec-\d{19}$/);
    expect(made.apiSecret).toMatch(/^latchkey1_/);
    expect(made.apiSecret).not.toBe(first.secret);
    const second = { id: made.apiSecretId, secret: made.apiSecret };

    const list = await cli(['secret', 'list', '--project', created.projectId, '--json']);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(first.secret);
    expect(list.stdout).not.toContain(second.secret);
    const { secrets } = JSON.parse(list.stdout) as { secrets: Array<Record<string, unknown>> };
    expect(secrets).toHaveLength(2);
    for (const [s, expected] of [[first, secrets.find((x) => x.id === first.id)], [second, secrets.find((x) => x.id === second.id)]] as const) {
      expect(expected).toMatchObject({ id: s.id, projectId: created.projectId, hint: s.secret.slice(-4), revokedAt: null });
      expect(Object.keys(expected!).sort()).toEqual(['createdAt', 'hint', 'id', 'lastUsedAt', 'projectId', 'revokedAt']);
    }

    // Both secrets work against the running server (200 invalidSignature = credentials accepted).
    for (const s of [first, second]) {
      const answer = await verifyJunk(server.url, created.projectId, s.secret);
      expect(answer.status).toBe(200);
      expect(answer.body.verificationResult).toBe('invalidSignature');
    }

    const revoked = await cliJson<{ secret: Record<string, unknown> }>(['secret', 'revoke', '--project', created.projectId, second.id]);
    expect(revoked.secret).toMatchObject({ id: second.id, projectId: created.projectId });
    expect(revoked.secret.revokedAt).toEqual(expect.any(Number));
    expect(Math.abs((revoked.secret.revokedAt as number) - Date.now() / 1000)).toBeLessThan(30);

    // Immediately: the revoked secret is refused, the other still works.
    const refused = await verifyJunk(server.url, created.projectId, second.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_credentials');
    expect((await verifyJunk(server.url, created.projectId, first.secret)).status).toBe(200);

    const after = await cliJson<{ secrets: Array<{ id: string; revokedAt: number | null }> }>(['secret', 'list', '--project', created.projectId]);
    expect(Object.fromEntries(after.secrets.map((s) => [s.id, s.revokedAt !== null]))).toEqual({ [first.id]: false, [second.id]: true });

    const unknown = await cliFails(['secret', 'revoke', '--project', created.projectId, 'sec-1000000000000000000', '--json']);
    expect(unknown).toMatch(/no API secret sec-1000000000000000000/);
  });
});

describe('latchkey keys, against a running server', () => {
  it('list, rotate; the JWKS lists both keys and new tokens are signed by the new one', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Keys', '--rp-id', 'localhost', ...ORIGINS]);
    const before = await cliJson<{ keys: Array<{ kid: string; status: string }> }>(['keys', 'list', '--project', created.projectId]);
    expect(before.keys).toHaveLength(1);
    const old = before.keys[0]!;
    expect(old).toMatchObject({ kid: expect.stringMatching(/^pki-\d{19}$/), status: 'active', rotatedAt: null, retireAt: null });
    const jwksPath = `/v2/projects/${created.projectId}/.well-known/jwks.json`;
    expect((await httpRequest(server.url, 'GET', jwksPath)).body.keys.map((k: { kid: string }) => k.kid)).toEqual([old.kid]);

    const rotation = await cliJson<{ active: string; rotated: string[] }>(['keys', 'rotate', '--project', created.projectId]);
    expect(rotation.active).toMatch(/^pki-\d{19}$/);
    expect(rotation.active).not.toBe(old.kid);
    expect(rotation.rotated).toEqual([old.kid]);

    const after = await cliJson<{ keys: Array<{ kid: string; status: string; rotatedAt: number | null; retireAt: number | null }> }>(['keys', 'list', '--project', created.projectId]);
    expect(after.keys).toHaveLength(2);
    const byKid = Object.fromEntries(after.keys.map((k) => [k.kid, k]));
    expect(byKid[rotation.active]).toMatchObject({ status: 'active', rotatedAt: null });
    expect(byKid[old.kid]).toMatchObject({ status: 'rotated', rotatedAt: expect.any(Number) });
    expect(byKid[old.kid]!.retireAt).toBe(byKid[old.kid]!.rotatedAt! + 630); // rotation grace (30 s) + longest token life (600 s)

    const jwks = await httpRequest(server.url, 'GET', jwksPath);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([old.kid, rotation.active].sort());

    // The running server signs with the rotated-in key at once, and its token verifies.
    const p = projectClient(server.url, created.project, created.apiSecret);
    const token = await signedPasskeyData(p, new SoftAuthenticator(), 'rotation@example.com');
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };
    expect(header.kid).toBe(rotation.active);
    const verified = await p.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: token });
    expect(verified.body).toMatchObject({ verificationResult: 'success', username: 'rotation@example.com' });
  });
});

describe('latchkey prune', () => {
  it('runs one housekeeping pass and reports what it deleted per table', async () => {
    const pruned = await cliJson<{ pruned: Record<string, number> }>(['prune']);
    expect(pruned).toEqual({
      pruned: { challenges: expect.any(Number), processes: expect.any(Number), connectTokens: expect.any(Number), spentTokens: expect.any(Number), consoleSessions: 0, latencySamples: 0, instances: 0 },
      adoption: { rolledDays: 0, prunedEvents: 0 },
    });
    // Nothing in the shared store is past its retention yet: a live server's rows are never touched.
    expect(Object.values(pruned.pruned)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect((await cli(['prune'])).stdout).toMatch(
      /^pruned: 0 challenges, 0 processes, 0 connect tokens, 0 spent tokens, 0 console sessions, 0 latency samples, 0 instances\nadoption: 0 days rolled up, 0 raw events pruned\n$/,
    );
  });
});

describe('latchkey policy, against a running server', () => {
  it('show prints the defaults; set changes only what it names, the server obeys, and the change is audited as the CLI’s', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Policy', '--rp-id', 'localhost', ...ORIGINS]);
    const id = created.projectId;
    const shown = await cliJson<{ policy: any }>(['policy', 'show', '--project', id]);
    expect(shown.policy).toEqual({
      login: { enabled: true, rolloutPercent: 100 },
      append: { enabled: true, rolloutPercent: 100 },
      platforms: { allow: [], deny: [] },
      nudge: { backoffDays: [1, 7, 30] },
      conditionalCreate: false,
      oneTap: false,
    });
    expect((await cli(['policy', 'show', '--project', id])).stdout).toMatch(/^project +pro-\d+\nlogin +on, rollout 100 %\nappend +on, rollout 100 %\n/);

    const set = await cliJson<{ policy: any }>([
      'policy', 'set', '--project', id, '--login', 'off', '--append-rollout', '30', '--deny-platform', 'windows,linux',
      '--deny-platform', 'chromeos', '--backoff-days', '2,5', '--conditional-create', 'on', '--one-tap', 'on',
    ]);
    expect(set.policy).toEqual({
      login: { enabled: false, rolloutPercent: 100 },
      append: { enabled: true, rolloutPercent: 30 },
      platforms: { allow: [], deny: ['windows', 'linux', 'chromeos'] },
      nudge: { backoffDays: [2, 5] },
      conditionalCreate: true,
      oneTap: true,
    });
    // The running server reads policies through a cache of at most 5 s: it obeys within that.
    const p = projectClient(server.url, created.project, created.apiSecret);
    let init = await p.frontend('/login/init', {});
    for (const until = Date.now() + 15_000; init.body.loginAllowed !== false && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 250));
      init = await p.frontend('/login/init', {});
    }
    expect(init.body).toMatchObject({ loginAllowed: false, decisionTags: ['login-kill-switch', 'capabilities-unknown'], oneTap: true });
    const audit = (await p.backend('GET', '/passkeyEvents?limit=500')).body.passkeyEvents.filter((e: any) => e.type === 'policy-changed');
    expect(audit).toHaveLength(1);
    expect(audit[0].detail.actor).toBe('cli');
    expect(Object.keys(audit[0].detail.changes).sort()).toEqual(['append.rolloutPercent', 'conditionalCreate', 'login.enabled', 'nudge.backoffDays', 'oneTap', 'platforms.deny']);

    const cleared = await cliJson<{ policy: any }>(['policy', 'set', '--project', id, '--login', 'on', '--deny-platform', 'none']);
    expect(cleared.policy).toMatchObject({ login: { enabled: true }, platforms: { deny: [] } });
  }, 120_000);

  it('refuses bad values, an empty change and an unknown project, and changes nothing', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Policy bad', '--rp-id', 'localhost', ...ORIGINS]);
    const id = created.projectId;
    // One command with several bad values: commander refuses the first, and nothing is stored.
    const run = await cli(['policy', 'set', '--project', id, '--login-rollout', '101', '--deny-platform', 'beos', '--login', 'maybe']);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/must be a whole number from 0 to 100/);
    expect((await cli(['policy', 'set', '--project', id, '--deny-platform', 'beos'])).stderr).toMatch(/"beos" is not one of android, ios/);
    expect(await cliFails(['policy', 'set', '--project', id])).toMatch(/nothing to change/);
    expect(await cliFails(['policy', 'show', '--project', 'pro-1000000000000000000'])).toMatch(/no project pro-1000000000000000000/);
    expect((await cliJson<{ policy: any }>(['policy', 'show', '--project', id])).policy.login).toEqual({ enabled: true, rolloutPercent: 100 });
  }, 120_000);
});

describe('latchkey report', () => {
  it('prints the funnel as a table, or as the Backend API’s JSON', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Report', '--rp-id', 'localhost', ...ORIGINS]);
    const p = projectClient(server.url, created.project, created.apiSecret);
    expect((await p.frontend('/events', { events: [{ type: 'offer-shown', osFamily: 'ios' }, { type: 'fallback', reason: 'no-passkey', osFamily: 'ios' }] })).status).toBe(202);
    expect((await p.backend('POST', '/events', { events: [{ type: 'password-login', identifier: 'x@example.com', osFamily: 'ios' }] })).status).toBe(202);
    const day = new Date().toISOString().slice(0, 10);

    const json = await cliJson<any>(['report', '--project', created.projectId, '--from', day, '--to', day]);
    const api = await p.backend('GET', `/analytics/funnel?from=${day}&to=${day}`);
    const byPlatformRun = await cli(['report', '--project', created.projectId, '--by', 'platform']);
    const badDate = await cliFails(['report', '--project', created.projectId, '--from', '2026-13-01']);
    const unknown = await cliFails(['report', '--project', 'pro-1000000000000000000']);
    expect(json).toEqual(api.body);
    expect(json.rows).toEqual([expect.objectContaining({ day, offers: 1, logins: expect.objectContaining({ password: 1 }), fallbackReasons: { 'no-passkey': 1 } })]);

    const byPlatform = byPlatformRun.stdout;
    expect(byPlatform).toMatch(/PLATFORM +OFFERS +STARTED +ADDED +DECLINED +PK ID-FIRST +PK AUTOFILL +PK ONE-TAP +PASSWORD +PK RATE\nios +1 +0 +0 +0 +0 +0 +0 +1 +0\.0 %\n/);
    expect(byPlatform).toContain('ios fallbacks: no-passkey 1');
    expect(byPlatform).toMatch(/users with a passkey: 0\n$/);

    expect(badDate).toMatch(/YYYY-MM-DD/);
    expect(unknown).toMatch(/no project/);
  }, 120_000);
});

describe('latchkey migrate', () => {
  it(`applies the migrations on a fresh ${TEST_STORE} store, then has nothing left to apply`, async () => {
    const db = await freshDb();
    const first = await cliJson<{ applied: string[] }>(['migrate'], { db });
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.applied).toContain('0001-initial');
    expect(await cliJson(['migrate'], { db })).toEqual({ applied: [] });
  });
});

describe('latchkey serve', () => {
  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Drain', '--rp-id', 'localhost', ...ORIGINS]);
    const served = await serve();
    const { port } = new URL(served.url);
    const body = JSON.stringify({ signedPasskeyData: 'x' });
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    const ended = new Promise<void>((resolveEnd, reject) => {
      socket.once('end', resolveEnd);
      socket.once('error', reject);
    });
    await new Promise<void>((resolveConnect) => socket.once('connect', resolveConnect));
    // Headers and half the body: the server has begun the request and waits for the rest.
    socket.write(
      `POST /v2/passkey/verifySignedData HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${basicAuth(created.projectId, created.apiSecret)}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    served.child.kill('SIGTERM');
    // Wait until the server has stopped accepting connections: it is shutting down now.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const refused = await fetch(`${served.url}/healthz`).then(
        () => false,
        () => true,
      );
      if (refused) break;
      if (Date.now() > deadline) throw new Error('the server still accepts connections 10 s after SIGTERM');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(served.child.exitCode).toBeNull(); // still draining our request
    // The rest of the body, without half-closing: a client that sends FIN while its request is
    // still being answered lets Node's HTTP server drop the connection (allowHalfOpen is off).
    socket.write(body.slice(10));
    await new Promise<void>((answered, reject) => {
      const check = () => (/\r\n\r\n\{.*\}$/s.test(raw) ? answered() : undefined);
      socket.on('data', check);
      socket.once('error', reject);
      check();
    });
    socket.end();
    await ended;
    const [head, ...rest] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(rest.join('\r\n\r\n')).toContain('"verificationResult":"invalidSignature"');
    expect(await served.exited).toEqual({ code: 0, signal: null });
  });

  it('does not wait for an idle keep-alive connection after its request was answered', async () => {
    const served = await serve();
    const { port } = new URL(served.url);
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    socket.on('error', () => {});
    await new Promise<void>((resolveConnect) => socket.once('connect', resolveConnect));
    socket.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    for (let i = 0; i < 100 && !raw.includes('"ready"'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    const t0 = Date.now();
    expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    socket.destroy();
  });

  // Skipped: fails about half the time today. serve.ts prints the banner and only then installs its
  // SIGTERM/SIGINT handlers, so a supervisor that signals as soon as it reads the banner kills the
  // server with the default action (exit by signal, requests in flight dropped). Enable once the
  // handlers are installed before the banner is printed.
  it('handles a SIGTERM sent the moment the banner appears', async () => {
    for (let i = 0; i < 3; i++) {
      const served = await serve([], {}, false);
      expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });

  it('stops on SIGINT with exit code 0', async () => {
    const served = await serve();
    expect((await httpRequest(served.url, 'GET', '/readyz')).status).toBe(200);
    expect(await served.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('--json prints exactly one JSON object ({url, demoProject}) on stdout once listening; logs go to stderr', async () => {
    const child = start(['serve', '--demo', '--json'], {
      db: await freshDb(),
      env: { LATCHKEY_PORT: '0', LATCHKEY_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('close', (code, signal) => done({ code, signal })));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no JSON line within 20 s; stderr: ${stderr}`)), 20_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          done();
        }
      });
    });
    const printed = JSON.parse(stdout) as { url: string; demoProject: { projectId: string; apiSecret: string } };
    expect(printed).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      workers: 1,
      demoProject: { projectId: expect.stringMatching(/^pro-\d{19}$/), apiSecret: expect.stringMatching(/^latchkey1_[0-9A-Za-z]{40}$/) },
    });
    expect((await verifyJunk(printed.url, printed.demoProject.projectId, printed.demoProject.apiSecret)).body.verificationResult).toBe('invalidSignature');
    expect(stderr).toContain('Server listening');
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    // Still the one line: nothing else was written to stdout, not even on shutdown.
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--demo creates a demo project on first start and prints its secret only then', async () => {
    const db = await freshDb();
    const first = await serve(['--demo'], { db });
    const firstOut = first.stdout();
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    const projectId = /Demo project: (pro-\d{19})/.exec(firstOut)?.[1];
    const secret = /API secret:\s+(latchkey1_[0-9A-Za-z]+)/.exec(firstOut)?.[1];
    expect(projectId, firstOut).toBeDefined();
    expect(secret, firstOut).toBeDefined();
    expect(firstOut.split('latchkey1_')).toHaveLength(2);

    const second = await serve(['--demo'], { db });
    try {
      expect(second.stdout()).toContain(`Demo project: ${projectId}`);
      expect(second.stdout()).not.toContain('latchkey1_');
      // The secret printed on the first start is a real one.
      expect((await verifyJunk(second.url, projectId!, secret!)).body.verificationResult).toBe('invalidSignature');
    } finally {
      expect(await second.stop()).toEqual({ code: 0, signal: null });
    }
    expect(second.stdout()).not.toContain('latchkey1_');
  });
});
