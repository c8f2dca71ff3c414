import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeAdminRole } from '../src/console/change-admin-role.js';
import { REAUTH_WINDOW } from '../src/console/sessions.js';
import { expectStatus } from './helpers/ceremonies.js';
import { consoleCall, consoleProjectOf, signInAdmin, type ConsoleAdmin } from './helpers/console.js';
import { expectError } from './helpers/http-client.js';
import { startTestServer, type TestServer } from './helpers/harness.js';

/** The console's administrators view over real HTTP: list, invite, role changes, removal, the last owner. */
let server: TestServer;
let owner: ConsoleAdmin;

interface Listed { id: string; email: string; role: string; createdAt: number; lastLoginAt: number | null; hasPasskey: boolean }
const list = async (admin: ConsoleAdmin) => {
  const answer = await admin.call('GET', '/admins');
  expectStatus(answer, 200);
  return answer.body as { admins: Listed[]; you: string };
};
const idOf = async (email: string) => (await list(owner)).admins.find((a) => a.email === email)!.id;
const actions = async () => {
  const consoleProject = await consoleProjectOf(server);
  const audit = await owner.call('GET', `/projects/${consoleProject.project.id}/events?type=console-action&limit=20`);
  return audit.body.events.map((e: { detail: { action: string; admin: string } }) => `${e.detail.action} ${e.detail.admin}`) as string[];
};

beforeAll(async () => {
  server = await startTestServer();
  owner = await signInAdmin(server, 'owner@example.com');
});
afterAll(async () => server?.close());

describe('the administrators view', () => {
  it('lists every administrator with role, created and last login; a viewer reads it too', async () => {
    const viewer = await signInAdmin(server, 'reader@example.com', 'viewer');
    const seen = await list(viewer);
    expect(seen.admins.map((a) => `${a.email} ${a.role}`)).toEqual(['owner@example.com owner', 'reader@example.com viewer']);
    expect(seen.admins[0]).toMatchObject({ createdAt: expect.any(Number), lastLoginAt: expect.any(Number), hasPasskey: true });
    expect(seen.you).toBe(await idOf('reader@example.com'));
  });

  it('a viewer gets 403 forbidden_role on invite, role change and removal', async () => {
    const viewer = await signInAdmin(server, 'looker@example.com', 'viewer');
    const ownerId = await idOf('owner@example.com');
    expectError(await viewer.call('POST', '/admins/invites', { email: 'x@example.com', role: 'owner' }), 403, 'forbidden_role');
    expectError(await viewer.call('PATCH', `/admins/${ownerId}`, { role: 'viewer' }), 403, 'forbidden_role');
    const refused = await viewer.call('DELETE', `/admins/${ownerId}`);
    expectError(refused, 403, 'forbidden_role');
    expect(refused.body.error.message).toContain('looker@example.com is a viewer');
  });

  it('an owner invites: a single-use link on the console\'s origin, audited', async () => {
    const invited = await owner.call('POST', '/admins/invites', { email: 'New@Example.com', role: 'viewer' });
    expectStatus(invited, 200);
    expect(invited.body).toMatchObject({ email: 'new@example.com', role: 'viewer', expiresAt: expect.any(Number) });
    const link = new URL(invited.body.link);
    expect(link.origin).toBe('http://localhost:4400');
    const token = link.hash.replace('#/invite/', '');
    expectStatus(await consoleCall(server, 'POST', '/invites/redeem', { body: { token } }), 200);
    expectError(await consoleCall(server, 'POST', '/invites/redeem', { body: { token } }), 410, 'invite_used');
    expectError(await owner.call('POST', '/admins/invites', { email: 'nope', role: 'viewer' }), 400, 'invalid_email');
    expectError(await owner.call('POST', '/admins/invites', { email: 'a@example.com', role: 'root' }), 400, 'invalid_role');
    expect((await actions())).toContain('admin-invited owner@example.com');
  });

  it('changing a role needs a fresh passkey login, takes effect at once and is audited', async () => {
    const other = await signInAdmin(server, 'promoted@example.com', 'viewer');
    const id = await idOf('promoted@example.com');
    server.clock.advance(REAUTH_WINDOW + 1);
    try {
      expectError(await owner.call('PATCH', `/admins/${id}`, { role: 'owner' }), 403, 'reauth_required');
      expectStatus(await owner.call('POST', '/session/reauth', { signedPasskeyData: await owner.signedPasskeyData() }), 200);
      const changed = await owner.call('PATCH', `/admins/${id}`, { role: 'owner' });
      expectStatus(changed, 200);
      expect(changed.body.admin).toMatchObject({ email: 'promoted@example.com', role: 'owner' });
      expect((await other.call('GET', '/session')).body.admin.role).toBe('owner');
      expectError(await owner.call('PATCH', `/admins/${id}`, { role: 'god' }), 400, 'invalid_role');
      expectError(await owner.call('PATCH', '/admins/adm-nobody', { role: 'viewer' }), 404, 'admin_not_found');
      expectStatus(await owner.call('PATCH', `/admins/${id}`, { role: 'viewer' }), 200);
      expect((await other.call('GET', '/session')).body.admin.role).toBe('viewer');
    } finally {
      server.clock.reset();
    }
    expect((await actions()).filter((a) => a.startsWith('admin-role-changed'))).toEqual(['admin-role-changed owner@example.com', 'admin-role-changed owner@example.com']);
  });

  it('a removed administrator loses their sessions at once, and their passkey', async () => {
    const leaving = await signInAdmin(server, 'leaving@example.com', 'owner');
    const id = await idOf('leaving@example.com');
    expectStatus(await leaving.call('GET', '/projects'), 200);
    expectStatus(await owner.call('DELETE', `/admins/${id}`), 200);
    expectError(await leaving.call('GET', '/projects'), 401, 'session_required');
    // Their passkey no longer signs in to the console's project at all: its user went with them.
    await expect(leaving.signedPasskeyData()).rejects.toThrow();
    expect((await list(owner)).admins.map((a) => a.email)).not.toContain('leaving@example.com');
    expectError(await owner.call('DELETE', `/admins/${id}`), 404, 'admin_not_found');
    expect((await actions())[0]).toBe('admin-removed owner@example.com');
  });

  it('the last owner can be neither demoted nor removed (409 last_owner), not even by themselves', async () => {
    const ownerId = await idOf('owner@example.com');
    const owners = (await list(owner)).admins.filter((a) => a.role === 'owner');
    expect(owners.map((a) => a.email)).toEqual(['owner@example.com']);
    const demoted = await owner.call('PATCH', `/admins/${ownerId}`, { role: 'viewer' });
    expectError(demoted, 409, 'last_owner');
    expect(demoted.body.error.message).toContain('last owner');
    expectError(await owner.call('DELETE', `/admins/${ownerId}`), 409, 'last_owner');
    expect((await owner.call('GET', '/session')).body.admin.role).toBe('owner');
  });

  it('with a second owner, an owner may step down; two demoting each other at once leave one owner', async () => {
    const second = await signInAdmin(server, 'second@example.com', 'owner');
    const [ownerId, secondId] = [await idOf('owner@example.com'), await idOf('second@example.com')];
    expectStatus(await second.call('PATCH', `/admins/${secondId}`, { role: 'viewer' }), 200);
    expectStatus(await owner.call('PATCH', `/admins/${secondId}`, { role: 'owner' }), 200);
    // Over HTTP the loser is refused either by the lock (409) or, when it starts after the winner
    // committed, already as a viewer (403): both are refusals, and one owner is left.
    const answers = await Promise.all([owner.call('PATCH', `/admins/${secondId}`, { role: 'viewer' }), second.call('PATCH', `/admins/${ownerId}`, { role: 'viewer' })]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error.code)).toEqual([expect.stringMatching(/^(last_owner|forbidden_role)$/)]);
    expect((await list(owner)).admins.filter((a) => a.role === 'owner')).toHaveLength(1);
    // The service itself, both transactions at once (PostgreSQL: two connections): exactly one last_owner.
    const survivor = (await list(owner)).admins.find((a) => a.role === 'owner')!.id;
    const other = survivor === ownerId ? secondId : ownerId;
    await changeAdminRole(server.ctx, other, 'owner');
    const settled = await Promise.allSettled([changeAdminRole(server.ctx, ownerId, 'viewer'), changeAdminRole(server.ctx, secondId, 'viewer')]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason.code)).toEqual(['last_owner']);
    expect((await list(owner)).admins.filter((a) => a.role === 'owner')).toHaveLength(1);
  });
});
