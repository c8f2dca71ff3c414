import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { rolloutBucket } from '../src/adoption/decisions/rollout-bucket.js';
import { connectToken, expectStatus } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';
import { expectError } from './helpers/http-client.js';

/**
 * Every decision tag of the adoption engine, each produced by setting up its cause, over real HTTP
 * with real WebAuthn responses from the software authenticator.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const DAY = 86_400;
/** A device that says everything it can do: no tag comes from missing capabilities. */
const capable = (deviceId: string, extra: Record<string, unknown> = {}) => ({
  deviceId,
  webauthn: true,
  platformAuthenticator: true,
  conditionalGet: true,
  conditionalCreate: false,
  hybridTransport: true,
  osFamily: 'macos',
  browserFamily: 'chrome',
  ...extra,
});

const setPolicy = async (p: TestProject, patch: unknown) => {
  const answer = await p.backend('PATCH', '/policy', patch);
  expectStatus(answer, 200);
  return answer.body;
};

async function appendInit(p: TestProject, identifier: string, clientInfo: unknown) {
  const init = await p.frontend('/append/init', { connectToken: await connectToken(p, 'passkey-append', identifier), clientInfo });
  expectStatus(init, 200);
  return init.body as { processId: string; appendAllowed: boolean; decisionTags: string[]; conditionalCreate: boolean; nextOfferAt: number | null };
}

/** Appends a passkey from the device `clientInfo` describes; returns the authenticator. */
async function appendFrom(p: TestProject, identifier: string, clientInfo: unknown, authenticator = new SoftAuthenticator()) {
  const init = await appendInit(p, identifier, clientInfo);
  const start = await p.frontend('/append/start', { processId: init.processId });
  expectStatus(start, 200);
  const attestationResponse = authenticator.createCredential(start.body.attestationOptions, { origin: ORIGIN });
  expectStatus(await p.frontend('/append/finish', { processId: init.processId, attestationResponse }), 200);
  return authenticator;
}

async function loginFrom(p: TestProject, identifier: string, authenticator: SoftAuthenticator, clientInfo: unknown, attachment: 'platform' | 'cross-platform' = 'platform') {
  const init = await p.frontend('/login/init', { clientInfo });
  const start = await p.frontend('/login/start', { processId: init.body.processId, identifier });
  expect(start.body.status).toBe('ok');
  const response = { ...authenticator.getAssertion(start.body.assertionOptions, { origin: ORIGIN }), authenticatorAttachment: attachment };
  return p.frontend('/login/finish', { processId: init.body.processId, assertionResponse: response, isConditionalUI: false });
}

const userIdOf = async (p: TestProject, identifier: string) =>
  (await p.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users[0].userID as string;

describe('defaults: everything on, nothing in the way', () => {
  it('a capable device may log in and is offered a passkey; the policy reads as the defaults', async () => {
    const p = await server.addProject();
    expect((await p.backend('GET', '/policy')).body).toEqual({
      login: { enabled: true, rolloutPercent: 100 },
      append: { enabled: true, rolloutPercent: 100 },
      platforms: { allow: [], deny: [] },
      nudge: { backoffDays: [1, 7, 30] },
      conditionalCreate: false,
      oneTap: false,
    });
    const init = await p.frontend('/login/init', { clientInfo: capable('dev-default-1') });
    expect(init.body).toMatchObject({ loginAllowed: true, decisionTags: [], oneTap: false });
    expect(await appendInit(p, 'fresh@example.com', capable('dev-default-1'))).toMatchObject({
      appendAllowed: true,
      decisionTags: [],
      conditionalCreate: false,
      nextOfferAt: null,
    });
  });

  it('capabilities-unknown: a page that says nothing is decided on policy alone', async () => {
    const p = await server.addProject();
    expect((await p.frontend('/login/init', {})).body).toMatchObject({ loginAllowed: true, decisionTags: ['capabilities-unknown'] });
    expect(await appendInit(p, 'quiet@example.com', undefined)).toMatchObject({ appendAllowed: true, decisionTags: ['capabilities-unknown'] });
    // Junk values count as unknown, never as an error.
    const junk = await p.frontend('/login/init', { clientInfo: { webauthn: 'yes', osFamily: 'beos', deviceId: 'short', clientCapabilities: 3 } });
    expect(junk.body).toMatchObject({ loginAllowed: true, decisionTags: ['capabilities-unknown'] });
  });
});

describe('kill switches', () => {
  it('login-kill-switch: init says no, start answers noPasskey, a Conditional UI finish is 403; audited with actor and changes', async () => {
    const p = await server.addProject();
    const authenticator = await appendFrom(p, 'killed@example.com', capable('dev-kill-1'));
    const cui = await p.frontend('/login/init', { clientInfo: capable('dev-kill-1') });
    await setPolicy(p, { login: { enabled: false } });

    expect((await p.frontend('/login/init', { clientInfo: capable('dev-kill-1') })).body).toMatchObject({ loginAllowed: false, decisionTags: ['login-kill-switch'] });
    const init = await p.frontend('/login/init', {});
    expect((await p.frontend('/login/start', { processId: init.body.processId, identifier: 'killed@example.com' })).body).toEqual({
      status: 'noPasskey',
      decisionTags: ['login-kill-switch'],
    });
    // Autofill opened before the switch: its answer is refused now.
    const response = authenticator.getAssertion(cui.body.conditionalUIChallenge, { origin: ORIGIN });
    const finish = await p.frontend('/login/finish', { processId: cui.body.processId, assertionResponse: response, isConditionalUI: true });
    expectError(finish, 403, 'login_not_allowed');
    expect(finish.body.error.message).toContain('login-kill-switch');

    const secrets = (await p.backend('GET', '/passkeyEvents?limit=500')).body.passkeyEvents.filter((e: any) => e.type === 'policy-changed');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].detail).toEqual({ actor: expect.stringMatching(/^api-secret:sec-/), changes: { 'login.enabled': { from: true, to: false } } });

    await setPolicy(p, { login: { enabled: true } });
    expectStatus(await loginFrom(p, 'killed@example.com', authenticator, capable('dev-kill-1')), 200);
  });

  it('append-kill-switch: init says no and append/start is 403 append_not_allowed', async () => {
    const p = await server.addProject();
    await setPolicy(p, { append: { enabled: false } });
    const init = await appendInit(p, 'nokill@example.com', capable('dev-kill-2'));
    expect(init).toMatchObject({ appendAllowed: false, decisionTags: ['append-kill-switch'] });
    expectError(await p.frontend('/append/start', { processId: init.processId }), 403, 'append_not_allowed');
  });
});

describe('rollout', () => {
  /** Users until one falls on each side of `percent` for `flow`. */
  async function usersAround(p: TestProject, flow: 'login' | 'append', percent: number) {
    const found: { inside?: string; outside?: string } = {};
    for (let i = 0; !(found.inside && found.outside); i++) {
      const identifier = `${flow}-roll-${i}@example.com`;
      await connectToken(p, 'passkey-append', identifier); // creates the user
      const bucket = rolloutBucket(p.project.id, flow, await userIdOf(p, identifier));
      if (bucket < percent) found.inside ??= identifier;
      else found.outside ??= identifier;
    }
    return found as { inside: string; outside: string };
  }

  it('rollout-excluded (login): a user outside the percentage gets noPasskey; one inside logs in', async () => {
    const p = await server.addProject();
    const { inside, outside } = await usersAround(p, 'login', 50);
    const inAuth = await appendFrom(p, inside, capable('dev-roll-1'));
    const outAuth = await appendFrom(p, outside, capable('dev-roll-2'));
    await setPolicy(p, { login: { rolloutPercent: 50 } });
    const init = await p.frontend('/login/init', {});
    expect((await p.frontend('/login/start', { processId: init.body.processId, identifier: outside })).body).toEqual({
      status: 'noPasskey',
      decisionTags: ['rollout-excluded'],
    });
    expectStatus(await loginFrom(p, inside, inAuth, capable('dev-roll-1')), 200);
    // Conditional UI for the excluded user: the server learns who it is at finish, and refuses.
    const cui = await p.frontend('/login/init', {});
    const response = outAuth.getAssertion(cui.body.conditionalUIChallenge, { origin: ORIGIN });
    expectError(await p.frontend('/login/finish', { processId: cui.body.processId, assertionResponse: response, isConditionalUI: true }), 403, 'login_not_allowed');
  });

  it('rollout-excluded (append): no offer, and append/start is 403; 0 % excludes everyone, 100 % no one', async () => {
    const p = await server.addProject();
    const { inside, outside } = await usersAround(p, 'append', 50);
    await setPolicy(p, { append: { rolloutPercent: 50 } });
    const out = await appendInit(p, outside, capable('dev-roll-3'));
    expect(out).toMatchObject({ appendAllowed: false, decisionTags: ['rollout-excluded'] });
    expectError(await p.frontend('/append/start', { processId: out.processId }), 403, 'append_not_allowed');
    expect(await appendInit(p, inside, capable('dev-roll-3'))).toMatchObject({ appendAllowed: true, decisionTags: [] });
    await setPolicy(p, { append: { rolloutPercent: 0 } });
    expect((await appendInit(p, inside, capable('dev-roll-3'))).decisionTags).toEqual(['rollout-excluded']);
  });
});

describe('what the device says', () => {
  it('platform-denied: a deny list, and an allow list that does not name the family', async () => {
    const p = await server.addProject();
    await setPolicy(p, { platforms: { deny: ['windows'] } });
    expect((await p.frontend('/login/init', { clientInfo: capable('dev-plat-1', { osFamily: 'windows' }) })).body).toMatchObject({
      loginAllowed: false,
      decisionTags: ['platform-denied'],
    });
    expect((await p.frontend('/login/init', { clientInfo: capable('dev-plat-1') })).body.loginAllowed).toBe(true);
    await setPolicy(p, { platforms: { deny: [], allow: ['ios'] } });
    const android = await appendInit(p, 'plat@example.com', capable('dev-plat-2', { osFamily: 'android' }));
    expect(android).toMatchObject({ appendAllowed: false, decisionTags: ['platform-denied'] });
    expectError(await p.frontend('/append/start', { processId: android.processId }), 403, 'append_not_allowed');
    expect((await appendInit(p, 'plat@example.com', capable('dev-plat-2', { osFamily: 'ios' }))).appendAllowed).toBe(true);
  });

  it('webauthn-unavailable: both flows say no', async () => {
    const p = await server.addProject();
    const info = capable('dev-noweb-1', { webauthn: false });
    expect((await p.frontend('/login/init', { clientInfo: info })).body).toMatchObject({ loginAllowed: false, decisionTags: ['webauthn-unavailable'] });
    expect(await appendInit(p, 'noweb@example.com', info)).toMatchObject({ appendAllowed: false, decisionTags: ['webauthn-unavailable'] });
  });

  it('no-platform-authenticator: no offer, yet a user who asks may still add a passkey (a security key)', async () => {
    const p = await server.addProject();
    const init = await appendInit(p, 'nopa@example.com', capable('dev-nopa-1', { platformAuthenticator: false }));
    expect(init).toMatchObject({ appendAllowed: false, decisionTags: ['no-platform-authenticator'] });
    const start = await p.frontend('/append/start', { processId: init.processId });
    expectStatus(start, 200);
    const attestationResponse = new SoftAuthenticator().createCredential(start.body.attestationOptions, { origin: ORIGIN });
    expectStatus(await p.frontend('/append/finish', { processId: init.processId, attestationResponse }), 200);
  });

  it('capabilities named as getClientCapabilities() does are understood too', async () => {
    const p = await server.addProject();
    const init = await appendInit(p, 'caps@example.com', { deviceId: 'dev-caps-1', clientCapabilities: { userVerifyingPlatformAuthenticator: false } });
    expect(init.decisionTags).toEqual(['no-platform-authenticator']);
  });
});

describe('nudges that respect the user', () => {
  it('declined-recently: dismissals back off 1, 7, 30, 30 days on that device only; the end is nextOfferAt', async () => {
    const p = await server.addProject();
    const user = 'nudge@example.com';
    const device = capable('dev-nudge-phone');
    for (const days of [1, 7, 30, 30]) {
      const offer = await appendInit(p, user, device);
      expect(offer).toMatchObject({ appendAllowed: true, decisionTags: [] });
      const dismissed = await p.frontend('/append/dismiss', { processId: offer.processId });
      expectStatus(dismissed, 200);
      const now = Math.floor(server.clock.nowMs() / 1000);
      expect(dismissed.body.nextOfferAt).toBeGreaterThanOrEqual(now + days * DAY - 2);
      expect(dismissed.body.nextOfferAt).toBeLessThanOrEqual(now + days * DAY);
      const again = await appendInit(p, user, device);
      expect(again).toMatchObject({ appendAllowed: false, decisionTags: ['declined-recently'], nextOfferAt: dismissed.body.nextOfferAt });
      // Another device of the same user is not affected.
      expect((await appendInit(p, user, capable('dev-nudge-laptop'))).appendAllowed).toBe(true);
      server.clock.advance(days * DAY + 1);
    }
    server.clock.reset();
  });

  it('the back-off is the policy’s, and a completed append clears it', async () => {
    const p = await server.addProject();
    await setPolicy(p, { nudge: { backoffDays: [2] } });
    const device = capable('dev-nudge-custom');
    const offer = await appendInit(p, 'custom@example.com', device);
    const now = Math.floor(server.clock.nowMs() / 1000);
    const dismissed = await p.frontend('/append/dismiss', { processId: offer.processId });
    expect(dismissed.body.nextOfferAt).toBeGreaterThanOrEqual(now + 2 * DAY);
    expect(dismissed.body.nextOfferAt).toBeLessThanOrEqual(now + 2 * DAY + 2);
    // The user adds a passkey on request anyway: the back-off is cleared (passkey-on-device says why no offer now).
    await appendFrom(p, 'custom@example.com', device);
    expect((await appendInit(p, 'custom@example.com', device)).decisionTags).toEqual(['passkey-on-device']);
  });

  it('passkey-on-device: never offered on a device that already has one for this user; other devices are', async () => {
    const p = await server.addProject();
    await appendFrom(p, 'ondevice@example.com', capable('dev-ondevice-1'));
    expect(await appendInit(p, 'ondevice@example.com', capable('dev-ondevice-1'))).toMatchObject({ appendAllowed: false, decisionTags: ['passkey-on-device'] });
    expect(await appendInit(p, 'ondevice@example.com', capable('dev-ondevice-2'))).toMatchObject({ appendAllowed: true, decisionTags: [] });
    // Another user on the same device has no passkey there.
    expect((await appendInit(p, 'other@example.com', capable('dev-ondevice-1'))).appendAllowed).toBe(true);
  });

  it('cross-device-login: after a hybrid login from a device, offer a passkey there; a login with a passkey on it clears that', async () => {
    const p = await server.addProject();
    const phone = await appendFrom(p, 'hybrid@example.com', capable('dev-hybrid-phone'));
    expectStatus(await loginFrom(p, 'hybrid@example.com', phone, capable('dev-hybrid-desk'), 'cross-platform'), 200);
    expect(await appendInit(p, 'hybrid@example.com', capable('dev-hybrid-desk'))).toMatchObject({ appendAllowed: true, decisionTags: ['cross-device-login'] });
    // A reason to offer, but it never overrides a back-off.
    const offer = await appendInit(p, 'hybrid@example.com', capable('dev-hybrid-desk'));
    await p.frontend('/append/dismiss', { processId: offer.processId });
    expect(await appendInit(p, 'hybrid@example.com', capable('dev-hybrid-desk'))).toMatchObject({
      appendAllowed: false,
      decisionTags: ['declined-recently', 'cross-device-login'],
    });
    expectStatus(await loginFrom(p, 'hybrid@example.com', phone, capable('dev-hybrid-desk'), 'platform'), 200);
    expect((await appendInit(p, 'hybrid@example.com', capable('dev-hybrid-desk'))).decisionTags).toEqual(['declined-recently']);
  });

  it('dismiss refuses an unknown process (404) and a login process (404)', async () => {
    const p = await server.addProject();
    expectError(await p.frontend('/append/dismiss', { processId: 'A'.repeat(20) }), 404, 'process_not_found');
    const login = await p.frontend('/login/init', {});
    expectError(await p.frontend('/append/dismiss', { processId: login.body.processId }), 404, 'process_not_found');
  });
});

describe('conditional create (automatic upgrade)', () => {
  it('conditional-create: allowed where the project opts in and the browser can; then a registration without user presence is accepted', async () => {
    const p = await server.addProject();
    const info = capable('dev-cc-1', { conditionalCreate: true });
    expect((await appendInit(p, 'cc@example.com', info)).conditionalCreate).toBe(false);
    await setPolicy(p, { conditionalCreate: true });
    const init = await appendInit(p, 'cc@example.com', info);
    expect(init).toMatchObject({ appendAllowed: true, conditionalCreate: true, decisionTags: ['conditional-create'] });
    const start = await p.frontend('/append/start', { processId: init.processId, conditional: true });
    expectStatus(start, 200);
    const attestationResponse = new SoftAuthenticator().createCredential(start.body.attestationOptions, { origin: ORIGIN, userPresent: false, userVerified: false });
    const finish = await p.frontend('/append/finish', { processId: init.processId, attestationResponse });
    expectStatus(finish, 200);
    const events = (await p.backend('GET', '/passkeyEvents?limit=500')).body.passkeyEvents;
    expect(events.find((e: any) => e.type === 'passkey-appended').detail.conditional).toBe(true);
  });

  it('every other append still requires user presence and verification', async () => {
    const p = await server.addProject();
    await setPolicy(p, { conditionalCreate: true });
    const init = await appendInit(p, 'strict@example.com', capable('dev-cc-2', { conditionalCreate: true }));
    // The process allowed conditional create, but this start asked for an ordinary challenge.
    const start = await p.frontend('/append/start', { processId: init.processId });
    const noPresence = new SoftAuthenticator().createCredential(start.body.attestationOptions, { origin: ORIGIN, userPresent: false });
    expectError(await p.frontend('/append/finish', { processId: init.processId, attestationResponse: noPresence }), 422, 'user_presence_required');
    const start2 = await p.frontend('/append/start', { processId: init.processId });
    const noVerification = new SoftAuthenticator().createCredential(start2.body.attestationOptions, { origin: ORIGIN, userVerified: false });
    expectError(await p.frontend('/append/finish', { processId: init.processId, attestationResponse: noVerification }), 422, 'user_verification_required');
  });

  it('conditional: true where append/init did not allow it is 403 conditional_create_not_allowed', async () => {
    const p = await server.addProject();
    // Project opted in, but the browser did not report conditional create.
    await setPolicy(p, { conditionalCreate: true });
    const init = await appendInit(p, 'nocc@example.com', capable('dev-cc-3'));
    expect(init.conditionalCreate).toBe(false);
    expectError(await p.frontend('/append/start', { processId: init.processId, conditional: true }), 403, 'conditional_create_not_allowed');
    // Browser can, but the project turned it off after init.
    const init2 = await appendInit(p, 'nocc@example.com', capable('dev-cc-3', { conditionalCreate: true }));
    expect(init2.conditionalCreate).toBe(true);
    await setPolicy(p, { conditionalCreate: false });
    expectError(await p.frontend('/append/start', { processId: init2.processId, conditional: true }), 403, 'conditional_create_not_allowed');
  });
});

describe('one-tap and the policy API', () => {
  it('oneTap follows the policy', async () => {
    const p = await server.addProject();
    await setPolicy(p, { oneTap: true });
    expect((await p.frontend('/login/init', {})).body.oneTap).toBe(true);
  });

  it('PATCH merges, answers the whole policy, and refuses junk with 400 without changing anything', async () => {
    const p = await server.addProject();
    const merged = await setPolicy(p, { login: { rolloutPercent: 25 }, platforms: { deny: ['linux'] } });
    expect(merged.login).toEqual({ enabled: true, rolloutPercent: 25 });
    expect(merged.platforms).toEqual({ allow: [], deny: ['linux'] });
    for (const junk of [
      { login: { enabled: 'no' } },
      { login: { rolloutPercent: 101 } },
      { login: { rolloutPercent: 2.5 } },
      { append: { rolloutPercent: -1 } },
      { platforms: { deny: ['beos'] } },
      { platforms: { allow: ['ios', 'ios'] } },
      { nudge: { backoffDays: [] } },
      { nudge: { backoffDays: [-1] } },
      { oneTap: 1 },
      { somethingElse: true },
      [],
    ]) {
      expectError(await p.backend('PATCH', '/policy', junk), 400, 'invalid_request');
    }
    expect((await p.backend('GET', '/policy')).body).toEqual(merged);
    // A patch that changes nothing leaves no audit entry.
    await setPolicy(p, { login: { rolloutPercent: 25 } });
    const changes = (await p.backend('GET', '/passkeyEvents?limit=500')).body.passkeyEvents.filter((e: any) => e.type === 'policy-changed');
    expect(changes.map((e: any) => e.detail.changes)).toEqual([{ 'login.rolloutPercent': { from: 100, to: 25 }, 'platforms.deny': { from: [], to: ['linux'] } }]);
  });

  it('the policy API needs the project’s API secret', async () => {
    const p = await server.addProject();
    expectError(await p.backend('GET', '/policy', undefined, { secret: 'wrong' }), 401, 'invalid_credentials');
    expectError(await p.backend('PATCH', '/policy', { oneTap: true }, { secret: 'wrong' }), 401, 'invalid_credentials');
  });
});
