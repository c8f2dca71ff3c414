import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/adoption/policy/policy.js';
import { REAUTH_WINDOW } from '../src/console/sessions.js';
import { expectStatus } from './helpers/ceremonies.js';
import { consoleProjectOf, signInAdmin, type ConsoleAdmin } from './helpers/console.js';
import { expectError } from './helpers/http-client.js';
import { startTestServer, type TestServer } from './helpers/harness.js';

/** A project's adoption policy (rollout, kill switches) in the console's settings, over real HTTP. */
let server: TestServer;
let owner: ConsoleAdmin;
let viewer: ConsoleAdmin;
let projectId: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signInAdmin(server, 'owner@example.com');
  viewer = await signInAdmin(server, 'viewer@example.com', 'viewer');
  projectId = server.main.project.id;
});
afterAll(async () => server?.close());

const loginInit = async () => (await server.main.frontend('/login/init', {})).body as { loginAllowed: boolean; decisionTags: string[] };

describe('the adoption policy in the console', () => {
  it('a viewer reads it (defaults when none was set) but cannot change it', async () => {
    const read = await viewer.call('GET', `/projects/${projectId}/policy`);
    expectStatus(read, 200);
    expect(read.body.policy).toEqual(DEFAULT_POLICY);
    expectError(await viewer.call('PATCH', `/projects/${projectId}/policy`, { login: { rolloutPercent: 50 } }), 403, 'forbidden_role');
  });

  it('an owner changes the rollout; audited in the console (naming them) and in the project (policy-changed)', async () => {
    const changed = await owner.call('PATCH', `/projects/${projectId}/policy`, { login: { rolloutPercent: 25 }, nudge: { backoffDays: [2, 14] }, platforms: { deny: ['windows'] } });
    expectStatus(changed, 200);
    expect(changed.body.policy).toMatchObject({ login: { enabled: true, rolloutPercent: 25 }, nudge: { backoffDays: [2, 14] }, platforms: { allow: [], deny: ['windows'] } });
    const consoleProject = await consoleProjectOf(server);
    const audit = await owner.call('GET', `/projects/${consoleProject.project.id}/events?type=console-action&limit=1`);
    expect(audit.body.events[0].detail).toMatchObject({ action: 'policy-updated', admin: 'owner@example.com', projectId, changes: { 'login.rolloutPercent': { from: 100, to: 25 } } });
    const trail = await owner.call('GET', `/projects/${projectId}/events?type=policy-changed&limit=1`);
    expect(trail.body.events[0].detail).toMatchObject({ actor: 'console:owner@example.com' });
    expectStatus(await owner.call('PATCH', `/projects/${projectId}/policy`, { login: { rolloutPercent: 100 }, nudge: { backoffDays: [1, 7, 30] }, platforms: { deny: [] } }), 200);
  });

  it('answers bad values with the contract\'s invalid_request, naming the field', async () => {
    const over = await owner.call('PATCH', `/projects/${projectId}/policy`, { login: { rolloutPercent: 101 } });
    expectError(over, 400, 'invalid_request');
    expect(over.body.error.message).toContain('login/rolloutPercent');
    const days = await owner.call('PATCH', `/projects/${projectId}/policy`, { nudge: { backoffDays: [] } });
    expectError(days, 400, 'invalid_request');
    expect(days.body.error.message).toContain('nudge/backoffDays');
    expectError(await owner.call('PATCH', `/projects/${projectId}/policy`, { platforms: { deny: ['amiga'] } }), 400, 'invalid_request');
    expectError(await owner.call('PATCH', `/projects/${projectId}/policy`, { killEverything: true }), 400, 'invalid_request');
    expectError(await owner.call('GET', '/projects/pro-nope/policy'), 404, 'project_not_found');
  });

  it('turning passkey login off for everyone needs a fresh passkey login; the app then gets loginAllowed: false', async () => {
    server.clock.advance(REAUTH_WINDOW + 1);
    try {
      expectError(await owner.call('PATCH', `/projects/${projectId}/policy`, { login: { enabled: false } }), 403, 'reauth_required');
      expectError(await owner.call('PATCH', `/projects/${projectId}/policy`, { append: { rolloutPercent: 0 } }), 403, 'reauth_required');
      // Partial rollouts are not "off": no passkey needed.
      expectStatus(await owner.call('PATCH', `/projects/${projectId}/policy`, { append: { rolloutPercent: 10 } }), 200);
      expect((await loginInit()).loginAllowed).toBe(true);
      expectStatus(await owner.call('POST', '/session/reauth', { signedPasskeyData: await owner.signedPasskeyData() }), 200);
      expectStatus(await owner.call('PATCH', `/projects/${projectId}/policy`, { login: { enabled: false } }), 200);
      server.clock.advance(10);
      expect(await loginInit()).toMatchObject({ loginAllowed: false, decisionTags: expect.arrayContaining(['login-kill-switch']) });
      server.clock.advance(REAUTH_WINDOW + 1);
      // Back on: restoring service needs no passkey.
      expectStatus(await owner.call('PATCH', `/projects/${projectId}/policy`, { login: { enabled: true }, append: { rolloutPercent: 100 } }), 200);
      expect((await loginInit()).loginAllowed).toBe(true);
    } finally {
      server.clock.reset();
    }
  });

  it('the console\'s own policy is read-only (409 console_project): its login off would lock everyone out', async () => {
    const consoleProject = await consoleProjectOf(server);
    expectStatus(await owner.call('GET', `/projects/${consoleProject.project.id}/policy`), 200);
    expectError(await owner.call('PATCH', `/projects/${consoleProject.project.id}/policy`, { login: { enabled: false } }), 409, 'console_project');
  });
});
