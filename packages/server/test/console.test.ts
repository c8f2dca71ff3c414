import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite, INVITE_TTL } from '../src/console/invites.js';
import { ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, REAUTH_WINDOW } from '../src/console/sessions.js';
import { hashLookupSecret } from '../src/secrets/secret-hash.js';
import { expectStatus } from './helpers/ceremonies.js';
import { consoleCall, consoleProjectOf, signInAdmin, type ConsoleAdmin } from './helpers/console.js';
import { expectError } from './helpers/http-client.js';
import type { TestServer } from './helpers/harness.js';
import { startTestServer } from './helpers/harness.js';

/** The operator console's API over real HTTP: invites, passkey sessions, CSRF, roles, re-auth, audit. */
let server: TestServer;
let owner: ConsoleAdmin;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signInAdmin(server, 'Owner@Example.com');
});
afterAll(async () => server?.close());

describe('invites', () => {
  it('are single use', async () => {
    await consoleProjectOf(server);
    const invite = await createInvite(server.ctx, 'once@example.com', 'viewer');
    expectStatus(await consoleCall(server, 'POST', '/invites/redeem', { body: { token: invite.token } }), 200);
    expectError(await consoleCall(server, 'POST', '/invites/redeem', { body: { token: invite.token } }), 410, 'invite_used');
  });

  it('expire after their lifetime, and unknown ones are not found', async () => {
    const invite = await createInvite(server.ctx, 'late@example.com', 'owner');
    server.clock.advance(INVITE_TTL + 1);
    try {
      expectError(await consoleCall(server, 'POST', '/invites/redeem', { body: { token: invite.token } }), 410, 'invite_expired');
    } finally {
      server.clock.advance(-(INVITE_TTL + 1));
    }
    expectError(await consoleCall(server, 'POST', '/invites/redeem', { body: { token: 'inv1_nope' } }), 404, 'invite_not_found');
  });

  it('refuse a bad email or role with the reason', async () => {
    await expect(createInvite(server.ctx, 'not-an-email', 'owner')).rejects.toMatchObject({ code: 'invalid_email' });
    await expect(createInvite(server.ctx, 'a@example.com', 'root')).rejects.toMatchObject({ code: 'invalid_role' });
  });
});

describe('sessions', () => {
  it('are an HttpOnly, SameSite=Strict cookie on /console whose value is stored only hashed', async () => {
    const me = await owner.call('GET', '/session');
    expect(me.status).toBe(200);
    expect(me.body.admin).toEqual({ email: 'owner@example.com', role: 'owner' });
    const rows = await server.ctx.store.db.selectFrom('console_sessions').select('id_hash').execute();
    const value = owner.cookie.split('=')[1]!;
    expect(rows.map((r) => r.id_hash)).toContain(hashLookupSecret(value));
    expect(rows.map((r) => r.id_hash)).not.toContain(value);
  });

  it('sets the cookie attributes (no Secure on plain-http localhost)', async () => {
    const admin = await signInAdmin(server, 'cookie@example.com');
    const answer = await consoleCall(server, 'POST', '/session', { body: { signedPasskeyData: await admin.signedPasskeyData() } });
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^latchkey_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it('refuse a spent or foreign signedPasskeyData', async () => {
    const token = await owner.signedPasskeyData();
    expectStatus(await consoleCall(server, 'POST', '/session', { body: { signedPasskeyData: token } }), 200);
    expectError(await consoleCall(server, 'POST', '/session', { body: { signedPasskeyData: token } }), 401, 'login_refused');
    expectError(await consoleCall(server, 'GET', '/projects'), 401, 'session_required');
  });

  it('end after the idle timeout', async () => {
    const admin = await signInAdmin(server, 'idle@example.com');
    server.clock.advance(IDLE_TIMEOUT - 60);
    expectStatus(await admin.call('GET', '/projects'), 200);
    server.clock.advance(IDLE_TIMEOUT - 60);
    expectStatus(await admin.call('GET', '/projects'), 200);
    server.clock.advance(IDLE_TIMEOUT);
    expectError(await admin.call('GET', '/projects'), 401, 'session_required');
    server.clock.reset();
  });

  it('end at the absolute timeout however active', async () => {
    const admin = await signInAdmin(server, 'busy@example.com');
    for (let t = 0; t < ABSOLUTE_TIMEOUT - IDLE_TIMEOUT; t += IDLE_TIMEOUT - 60) {
      server.clock.advance(IDLE_TIMEOUT - 60);
      expectStatus(await admin.call('GET', '/session'), 200);
    }
    server.clock.advance(IDLE_TIMEOUT - 60);
    expectError(await admin.call('GET', '/session'), 401, 'session_required');
    server.clock.reset();
  });

  it('end at logout', async () => {
    const admin = await signInAdmin(server, 'leaving@example.com');
    expectStatus(await admin.call('DELETE', '/session'), 200);
    expectError(await admin.call('GET', '/session'), 401, 'session_required');
  });
});

describe('CSRF', () => {
  it('refuses a change without the session\'s token', async () => {
    expectError(await consoleCall(server, 'POST', '/projects', { cookie: owner.cookie, body: { name: 'x', rpId: 'localhost', origins: ['http://localhost:3000'] } }), 403, 'csrf_refused');
    expectError(await consoleCall(server, 'POST', '/projects', { cookie: owner.cookie, csrf: 'x'.repeat(43), body: { name: 'x', rpId: 'localhost', origins: ['http://localhost:3000'] } }), 403, 'csrf_refused');
  });

  it('refuses a cross-site form post, and a change without an Origin, even with the right token', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expectError(await consoleCall(server, 'POST', '/projects', { cookie: owner.cookie, origin: 'https://evil.example', headers: form, raw: 'name=x' }), 403, 'csrf_refused');
    expectError(await consoleCall(server, 'DELETE', '/session', { cookie: owner.cookie, csrf: owner.csrfToken, origin: null }), 403, 'csrf_refused');
    expectError(await consoleCall(server, 'DELETE', '/session', { cookie: owner.cookie, csrf: owner.csrfToken, origin: 'http://localhost:3000' }), 403, 'csrf_refused');
    expectStatus(await owner.call('GET', '/session'), 200);
  });
});

describe('roles, re-authentication and audit', () => {
  it('a viewer reads but gets 403 forbidden_role on a change', async () => {
    const viewer = await signInAdmin(server, 'viewer@example.com', 'viewer');
    expectStatus(await viewer.call('GET', '/projects'), 200);
    const refused = await viewer.call('POST', '/projects', { name: 'Shop', rpId: 'localhost', origins: ['http://localhost:3000'] });
    expectError(refused, 403, 'forbidden_role');
    expect(refused.body.error.message).toContain('viewer');
  });

  it('an owner creates a project, sees its secret once, rotates its key; every action is audited with their name', async () => {
    const created = await owner.call('POST', '/projects', { name: 'Shop', rpId: 'localhost', origins: ['http://localhost:3000'], tokenTtl: 120 });
    expectStatus(created, 200);
    const projectId = created.body.project.id as string;
    expect(created.body.apiSecret.secret).toMatch(/^latchkey1_/);
    const secret = await owner.call('POST', `/projects/${projectId}/secrets`);
    expect(secret.body.secret.secret).toMatch(/^latchkey1_/);
    const listed = await owner.call('GET', `/projects/${projectId}/secrets`);
    expect(JSON.stringify(listed.body)).not.toContain(secret.body.secret.secret);
    expect(listed.body.secrets).toHaveLength(2);
    const rotated = await owner.call('POST', `/projects/${projectId}/keys/rotate`);
    expectStatus(rotated, 200);
    const keys = await owner.call('GET', `/projects/${projectId}/keys`);
    expect(keys.body.keys.map((k: { status: string }) => k.status)).toEqual(['active', 'rotated']);
    const edited = await owner.call('PATCH', `/projects/${projectId}`, { tokenTtl: 5 });
    expectError(edited, 400, 'invalid_token_ttl');

    const consoleProject = await consoleProjectOf(server);
    const audit = await owner.call('GET', `/projects/${consoleProject.project.id}/events?type=console-action`);
    const actions = audit.body.events.map((e: { detail: { action: string; admin: string } }) => `${e.detail.action} ${e.detail.admin}`);
    expect(actions.slice(0, 3)).toEqual(['key-rotated owner@example.com', 'secret-created owner@example.com', 'project-created owner@example.com']);
  });

  it('destructive actions need a passkey login in the last 5 minutes', async () => {
    const created = await owner.call('POST', '/projects', { name: 'Doomed', rpId: 'localhost', origins: ['http://localhost:3000'] });
    const projectId = created.body.project.id as string;
    server.clock.advance(REAUTH_WINDOW + 1);
    try {
      expectError(await owner.call('DELETE', `/projects/${projectId}`), 403, 'reauth_required');
      const reauth = await owner.call('POST', '/session/reauth', { signedPasskeyData: await owner.signedPasskeyData() });
      expectStatus(reauth, 200);
      const deleted = await owner.call('DELETE', `/projects/${projectId}`);
      expectStatus(deleted, 200);
      expect(deleted.body.deleted.apiSecrets).toBe(1);
    } finally {
      server.clock.reset();
    }
  });

  it('re-authentication must be the same administrator\'s passkey', async () => {
    const other = await signInAdmin(server, 'other@example.com');
    expectError(await owner.call('POST', '/session/reauth', { signedPasskeyData: await other.signedPasskeyData() }), 403, 'reauth_mismatch');
  });

  it('the console\'s own project cannot be deleted', async () => {
    const consoleProject = await consoleProjectOf(server);
    expectError(await owner.call('DELETE', `/projects/${consoleProject.project.id}`), 409, 'console_project');
  });
});

describe('read views', () => {
  it('users by identifier with their passkeys; events newest first with a cursor; CSV; charts; health', async () => {
    const consoleProject = await consoleProjectOf(server);
    const id = consoleProject.project.id;
    const users = await owner.call('GET', `/projects/${id}/users?identifier=owner%40example.com`);
    expect(users.body.users).toHaveLength(1);
    const passkeys = await owner.call('GET', `/projects/${id}/users/${users.body.users[0].userID}/passkeys`);
    expect(passkeys.body.passkeys).toHaveLength(1);

    const first = await owner.call('GET', `/projects/${id}/events?limit=3`);
    const ids = first.body.events.map((e: { id: string }) => Number(e.id.slice(4)));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await owner.call('GET', `/projects/${id}/events?limit=3&cursor=${first.body.nextCursor}`);
    expect(Number(second.body.events[0].id.slice(4))).toBeLessThan(ids.at(-1));
    expectError(await owner.call('GET', `/projects/${id}/events?cursor=nope`), 400, 'invalid_cursor');

    const csv = await owner.call('GET', `/projects/${id}/events.csv?type=console-action`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((csv.body as string).split('\n')[0]).toBe('id,time,type,user,credential,process,detail');

    const charts = await owner.call('GET', `/projects/${id}/charts?days=7`);
    expect(charts.body.days).toHaveLength(7);
    expect(charts.body.events['login-succeeded'].at(-1)).toBeGreaterThan(0);

    const health = await owner.call('GET', '/health');
    expect(health.body).toMatchObject({ ready: true, store: expect.stringMatching(/sqlite|postgres/), version: expect.any(String) });
  });
});
