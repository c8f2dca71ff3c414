import { describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { signedPasskeyData } from './helpers/ceremonies.js';
import { cliSuite, ORIGINS, verifyJunk, type Created } from './helpers/cli-suite.js';
import { httpRequest, projectClient } from './helpers/http-client.js';
import { TEST_STORE } from './helpers/test-store.js';

/**
 * The operator's day-to-day commands against a running server: `latchkey secret`, `keys`, `prune`,
 * `policy`, `report` and `migrate`. The server honours what they change without a restart.
 */

const suite = cliSuite();
const { cli, cliJson, cliFails } = suite;

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
      const answer = await verifyJunk(suite.server.url, created.projectId, s.secret);
      expect(answer.status).toBe(200);
      expect(answer.body.verificationResult).toBe('invalidSignature');
    }

    const revoked = await cliJson<{ secret: Record<string, unknown> }>(['secret', 'revoke', '--project', created.projectId, second.id]);
    expect(revoked.secret).toMatchObject({ id: second.id, projectId: created.projectId });
    expect(revoked.secret.revokedAt).toEqual(expect.any(Number));
    expect(Math.abs((revoked.secret.revokedAt as number) - Date.now() / 1000)).toBeLessThan(30);

    // Immediately: the revoked secret is refused, the other still works.
    const refused = await verifyJunk(suite.server.url, created.projectId, second.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_credentials');
    expect((await verifyJunk(suite.server.url, created.projectId, first.secret)).status).toBe(200);

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
    expect((await httpRequest(suite.server.url, 'GET', jwksPath)).body.keys.map((k: { kid: string }) => k.kid)).toEqual([old.kid]);

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

    const jwks = await httpRequest(suite.server.url, 'GET', jwksPath);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([old.kid, rotation.active].sort());

    // The running server signs with the rotated-in key at once, and its token verifies.
    const p = projectClient(suite.server.url, created.project, created.apiSecret);
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
    const p = projectClient(suite.server.url, created.project, created.apiSecret);
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
    const p = projectClient(suite.server.url, created.project, created.apiSecret);
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
    const db = await suite.freshDb();
    const first = await cliJson<{ applied: string[] }>(['migrate'], { db });
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.applied).toContain('0001-initial');
    expect(await cliJson(['migrate'], { db })).toEqual({ applied: [] });
  });
});
