import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus, login, loginConditional, signedPasskeyData, startLogin, verify } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type HttpAnswer, type TestProject, type TestServer } from './helpers/harness.js';
import { expectError } from './helpers/http-client.js';

/**
 * The Backend API's view of users, their passkeys and the audit trail: reading, paging, deleting,
 * and the isolation between users and between projects.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function userOf(p: TestProject, identifier: string): Promise<any> {
  const answer = await p.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`);
  expectStatus(answer, 200);
  return answer.body.users[0];
}

async function passkeysOf(p: TestProject, userID: string): Promise<any[]> {
  const answer = await p.backend('GET', `/users/${userID}/passkeys`);
  expectStatus(answer, 200);
  return answer.body.passkeys;
}

interface PasskeyEvent {
  id: string;
  type: string;
  userID: string | null;
  credentialID: string | null;
  processId: string | null;
  detail: Record<string, any>;
  createdAt: number;
}

async function eventsPage(p: TestProject, query: string): Promise<{ passkeyEvents: PasskeyEvent[]; nextCursor: string | null }> {
  const answer = await p.backend('GET', `/passkeyEvents${query}`);
  expectStatus(answer, 200);
  return answer.body;
}

describe('GET /v2/users', () => {
  it('?identifier= finds the user: {users: [{userID, identifier, displayName, webauthnId, createdAt}], nextCursor}', async () => {
    await connectToken(server.main, 'passkey-append', 'find@example.com', 'Find Me');
    const answer = await server.main.backend('GET', '/users?identifier=find%40example.com');
    expectStatus(answer, 200);
    expect(answer.body).toEqual({
      users: [
        {
          userID: expect.stringMatching(/^usr-\d{18,19}$/),
          identifier: 'find@example.com',
          displayName: 'Find Me',
          webauthnId: expect.stringMatching(UUID),
          createdAt: expect.any(Number),
        },
      ],
      nextCursor: null,
    });
    expect(Math.abs(answer.body.users[0].createdAt - Date.now() / 1000)).toBeLessThan(5);
  });

  it('identifiers with unusual characters round-trip exactly', async () => {
    for (const identifier of ['weird+tag@example.com', 'ünïcødé@example.com', 'with space', '  padded  ', 'a&b=c?d#e', '😀']) {
      await connectToken(server.main, 'passkey-append', identifier);
      const user = await userOf(server.main, identifier);
      expect(user?.identifier).toBe(identifier);
    }
  });

  it('an unknown identifier: {users: [], nextCursor: null}', async () => {
    const answer = await server.main.backend('GET', '/users?identifier=nobody%40example.com');
    expect([answer.status, answer.body]).toEqual([200, { users: [], nextCursor: null }]);
  });

  it('pages with limit=2 through five users: each visited exactly once, nextCursor null at the end', async () => {
    const project = await server.addProject({ name: 'Paging app' });
    const identifiers = ['p1@example.com', 'p2@example.com', 'p3@example.com', 'p4@example.com', 'p5@example.com'];
    for (const identifier of identifiers) await connectToken(project, 'passkey-append', identifier);

    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
      const answer = await project.backend('GET', `/users${query}`);
      expectStatus(answer, 200);
      expect(answer.body.users.length).toBeLessThanOrEqual(2);
      seen.push(...answer.body.users);
      cursor = answer.body.nextCursor;
      pages += 1;
      expect(pages).toBeLessThanOrEqual(4);
    } while (cursor !== null);

    expect(seen.map((u) => u.identifier).sort()).toEqual(identifiers);
    expect(new Set(seen.map((u) => u.userID)).size).toBe(5);
    // Without a limit, one page has them all.
    const all = await project.backend('GET', '/users');
    expect(all.body.users.map((u: any) => u.userID).sort()).toEqual(seen.map((u) => u.userID).sort());
    expect(all.body.nextCursor).toBeNull();
  });

  it('a bad cursor: 400 invalid_cursor', async () => {
    for (const cursor of ['junk', 'usr-abc', 'usr-1', "usr-1' OR '1'='1"]) {
      expectError(await server.main.backend('GET', `/users?cursor=${encodeURIComponent(cursor)}`), 400, 'invalid_cursor');
    }
  });

  it('never lists another project’s users', async () => {
    const other = await server.addProject({ name: 'Other users' });
    await connectToken(other, 'passkey-append', 'elsewhere@example.com');
    expect(await userOf(server.main, 'elsewhere@example.com')).toBeUndefined();
    const all = await server.main.backend('GET', '/users?limit=500');
    expect(all.body.users.map((u: any) => u.identifier)).not.toContain('elsewhere@example.com');
  });
});

describe('GET /v2/users/{userID}', () => {
  it('answers the user', async () => {
    await connectToken(server.main, 'passkey-append', 'one@example.com', 'One');
    const user = await userOf(server.main, 'one@example.com');
    const answer = await server.main.backend('GET', `/users/${user.userID}`);
    expect([answer.status, answer.body]).toEqual([200, user]);
  });

  it('an unknown or malformed id: 404 user_not_found', async () => {
    for (const id of ['usr-1234567890123456789', 'usr-1', 'hello', 'cre-1234567890123456789']) {
      expectError(await server.main.backend('GET', `/users/${id}`), 404, 'user_not_found');
    }
    // A NUL character in the path is refused before any look-up.
    expectError(await server.main.backend('GET', '/users/%00'), 400, 'invalid_request');
  });

  it('another project’s user: 404 user_not_found', async () => {
    const other = await server.addProject({ name: 'Other one' });
    await connectToken(other, 'passkey-append', 'theirs@example.com');
    const theirs = await userOf(other, 'theirs@example.com');
    expectError(await server.main.backend('GET', `/users/${theirs.userID}`), 404, 'user_not_found');
    expectError(await server.main.backend('GET', `/users/${theirs.userID}/passkeys`), 404, 'user_not_found');
    expectError(await server.main.backend('DELETE', `/users/${theirs.userID}`), 404, 'user_not_found');
    expectStatus(await other.backend('GET', `/users/${theirs.userID}`), 200);
  });
});

describe('GET /v2/users/{userID}/passkeys and DELETE …/passkeys/{passkeyId}', () => {
  it('lists the user’s passkeys in the contract’s shape', async () => {
    const authenticator = new SoftAuthenticator();
    const appended = await appendPasskey(server.main, authenticator, 'keys@example.com');
    expectStatus(appended, 200);
    const user = await userOf(server.main, 'keys@example.com');
    const passkeys = await passkeysOf(server.main, user.userID);
    expect(passkeys).toEqual([appended.body.passkey]);
    expect(passkeys[0]).toMatchObject({
      id: expect.stringMatching(/^cre-\d{19,20}$/),
      credentialId: authenticator.credentials[0]!.id,
      aaguid: '00000000-0000-0000-0000-000000000000',
      backupEligible: true,
      backupState: true,
      transports: ['internal', 'hybrid'],
      createdAt: expect.any(Number),
      lastUsedAt: null,
    });
    // A login updates lastUsedAt.
    expectStatus(await login(server.main, authenticator, 'keys@example.com'), 200);
    expect((await passkeysOf(server.main, user.userID))[0].lastUsedAt).toEqual(expect.any(Number));
  });

  it('a user without passkeys lists none; an unknown user is 404 user_not_found', async () => {
    await connectToken(server.main, 'passkey-append', 'keyless@example.com');
    const user = await userOf(server.main, 'keyless@example.com');
    expect(await passkeysOf(server.main, user.userID)).toEqual([]);
    expectError(await server.main.backend('GET', '/users/usr-1234567890123456789/passkeys'), 404, 'user_not_found');
  });

  it('DELETE answers {} and the passkey is gone, everywhere', async () => {
    const authenticator = new SoftAuthenticator();
    const appended = await appendPasskey(server.main, authenticator, 'drop@example.com');
    expectStatus(appended, 200);
    const user = await userOf(server.main, 'drop@example.com');
    const answer = await server.main.backend('DELETE', `/users/${user.userID}/passkeys/${appended.body.passkey.id}`);
    expect([answer.status, answer.body]).toEqual([200, {}]);
    expect(await passkeysOf(server.main, user.userID)).toEqual([]);
    // Login: the user has no passkey left, and the authenticator's credential is unknown.
    const init = await server.main.frontend('/login/init', {});
    expect((await server.main.frontend('/login/start', { processId: init.body.processId, identifier: 'drop@example.com' })).body).toEqual({ status: 'noPasskey', decisionTags: [] });
    expectError(await loginConditional(server.main, authenticator), 422, 'unknown_credential');
    // Deleting it again: 404.
    expectError(await server.main.backend('DELETE', `/users/${user.userID}/passkeys/${appended.body.passkey.id}`), 404, 'passkey_not_found');
  });

  it('an unknown passkey id: 404 passkey_not_found', async () => {
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator(), 'unknown-key@example.com'), 200);
    const user = await userOf(server.main, 'unknown-key@example.com');
    const [passkey] = await passkeysOf(server.main, user.userID);
    for (const id of ['cre-1234567890123456789', 'cre-1', 'hello', passkey.credentialId]) {
      expectError(await server.main.backend('DELETE', `/users/${user.userID}/passkeys/${encodeURIComponent(id)}`), 404, 'passkey_not_found');
    }
    expect(await passkeysOf(server.main, user.userID)).toEqual([passkey]);
    expectError(await server.main.backend('DELETE', `/users/usr-1234567890123456789/passkeys/${passkey.id}`), 404, 'user_not_found');
  });

  it('another user’s passkey: 404 passkey_not_found and it is not deleted', async () => {
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator(), 'alice@example.com'), 200);
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator(), 'mallory@example.com'), 200);
    const alice = await userOf(server.main, 'alice@example.com');
    const mallory = await userOf(server.main, 'mallory@example.com');
    const [alicesKey] = await passkeysOf(server.main, alice.userID);
    expectError(await server.main.backend('DELETE', `/users/${mallory.userID}/passkeys/${alicesKey.id}`), 404, 'passkey_not_found');
    expect(await passkeysOf(server.main, alice.userID)).toEqual([alicesKey]);
    expect(await passkeysOf(server.main, mallory.userID)).toHaveLength(1);
  });
});

describe('DELETE /v2/users/{userID}', () => {
  it('answers {}; the user, their passkeys and tokens are gone; the events stay and record user-deleted', async () => {
    const identifier = 'leaver@example.com';
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendPasskey(server.main, authenticator, identifier), 200);
    expectStatus(await login(server.main, authenticator, identifier), 200);
    const user = await userOf(server.main, identifier);
    const oldToken = await connectToken(server.main, 'passkey-append', identifier);
    const listToken = await connectToken(server.main, 'passkey-list', identifier);
    const eventsBefore = (await eventsPage(server.main, `?userID=${user.userID}`)).passkeyEvents;

    const answer = await server.main.backend('DELETE', `/users/${user.userID}`);
    expect([answer.status, answer.body]).toEqual([200, {}]);

    expectError(await server.main.backend('GET', `/users/${user.userID}`), 404, 'user_not_found');
    expectError(await server.main.backend('GET', `/users/${user.userID}/passkeys`), 404, 'user_not_found');
    expect(await userOf(server.main, identifier)).toBeUndefined();
    const init = await server.main.frontend('/login/init', {});
    expect((await server.main.frontend('/login/start', { processId: init.body.processId, identifier })).body).toEqual({ status: 'noPasskey', decisionTags: [] });
    expectError(await loginConditional(server.main, authenticator), 422, 'unknown_credential');
    expectError(await server.main.frontend('/append/init', { connectToken: oldToken }), 401, 'connect_token_invalid');
    expectError(await server.main.frontend('/manage/list', { connectToken: listToken }), 401, 'connect_token_invalid');
    expect((await server.main.backend('GET', `/connectTokens?identifier=${identifier}`)).body).toEqual({ connectTokens: [] });

    const eventsAfter = (await eventsPage(server.main, `?userID=${user.userID}`)).passkeyEvents;
    expect(eventsAfter.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    expect(eventsBefore.map((e) => e.type)).toEqual(['passkey-appended', 'login-succeeded']);
    expect(eventsAfter.at(-1)).toMatchObject({ type: 'user-deleted', userID: user.userID });

    expectError(await server.main.backend('DELETE', `/users/${user.userID}`), 404, 'user_not_found');
  });

  it('a user made again with the same identifier is a new user with a new webauthnId', async () => {
    const identifier = 'returner@example.com';
    await connectToken(server.main, 'passkey-append', identifier);
    const first = await userOf(server.main, identifier);
    expectStatus(await server.main.backend('DELETE', `/users/${first.userID}`), 200);
    await connectToken(server.main, 'passkey-append', identifier);
    const second = await userOf(server.main, identifier);
    expect(second.userID).not.toBe(first.userID);
    expect(second.webauthnId).not.toBe(first.webauthnId);
  });

  it('an open append process of a deleted user cannot store a passkey', async () => {
    const identifier = 'mid-append@example.com';
    const token = await connectToken(server.main, 'passkey-append', identifier);
    const init = await server.main.frontend('/append/init', { connectToken: token });
    const start = await server.main.frontend('/append/start', { processId: init.body.processId });
    expectStatus(start, 200);
    const user = await userOf(server.main, identifier);
    expectStatus(await server.main.backend('DELETE', `/users/${user.userID}`), 200);
    const response = new SoftAuthenticator().createCredential(start.body.attestationOptions, { origin: ORIGIN });
    const finish = await server.main.frontend('/append/finish', { processId: init.body.processId, attestationResponse: response });
    expect(finish.status).toBeGreaterThanOrEqual(400);
    expect(finish.status).toBeLessThan(500);
    expect(await userOf(server.main, identifier)).toBeUndefined();
  });

  it('an unknown or malformed user id: 404 user_not_found', async () => {
    for (const id of ['usr-1234567890123456789', 'nope']) expectError(await server.main.backend('DELETE', `/users/${id}`), 404, 'user_not_found');
  });
});

describe('the audit trail and made-up processes', () => {
  it('a finish for a process that never existed writes nothing; an expired real process is recorded', async () => {
    const p = await server.addProject({ name: 'Quiet trail' });
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendPasskey(p, authenticator, 'quiet@example.com'), 200);
    const before = (await eventsPage(p, '?limit=500')).passkeyEvents.length;
    const init = await p.frontend('/login/init', {});
    const response = authenticator.getAssertion(init.body.conditionalUIChallenge, { origin: ORIGIN });
    for (const path of ['/login/finish', '/append/finish']) {
      const body = path === '/login/finish'
        ? { processId: 'A'.repeat(20), assertionResponse: response, isConditionalUI: true }
        : { processId: 'A'.repeat(20), attestationResponse: { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: 'x', attestationObject: 'x' }, clientExtensionResults: {} } };
      expectError(await p.frontend(path, body), 404, 'process_not_found');
    }
    expect((await eventsPage(p, '?limit=500')).passkeyEvents).toHaveLength(before);

    server.clock.advance(16 * 60);
    try {
      expectError(await p.frontend('/login/finish', { processId: init.body.processId, assertionResponse: response, isConditionalUI: true }), 410, 'process_expired');
    } finally {
      server.clock.reset();
    }
    const events = (await eventsPage(p, '?limit=500')).passkeyEvents;
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ type: 'login-failed', processId: init.body.processId, detail: { reason: 'process_expired' } });
  });
});

describe('GET /v2/passkeyEvents', () => {
  let project: TestProject;
  let userID: string;
  let credentialRecordId: string;
  const identifier = 'audited@example.com';
  const authenticator = new SoftAuthenticator();

  beforeAll(async () => {
    project = await server.addProject({ name: 'Audit app' });
    // 1 passkey-appended
    const appended = await appendPasskey(project, authenticator, identifier);
    expectStatus(appended, 200);
    credentialRecordId = appended.body.passkey.id;
    userID = (await userOf(project, identifier)).userID;
    // 2 login-succeeded, 3 token-verified, 4 token-refused (alreadyUsed)
    const token = await signedPasskeyData(project, authenticator, identifier);
    expect((await verify(project, token)).body.verificationResult).toBe('success');
    expect((await verify(project, token)).body.verificationResult).toBe('alreadyUsed');
    // 5 login-failed (bad signature)
    const started = await startLogin(project, identifier);
    const tampered = authenticator.getAssertion(started.options, { origin: ORIGIN, tamperSignature: true });
    expect((await project.frontend('/login/finish', { processId: started.processId, assertionResponse: tampered, isConditionalUI: false })).status).toBe(422);
    // 6 login-succeeded, 7 token-refused (usernameMismatch)
    const second = await signedPasskeyData(project, authenticator, identifier);
    expect((await verify(project, second, 'someone-else@example.com')).body.verificationResult).toBe('usernameMismatch');
    // Refusals are written behind (up to eventFlushMs later); a read of the trail writes them first.
    // Without it, a loaded machine could write 8 before 7 (it failed so once on a shared machine).
    await eventsPage(project, '');
    // 8 passkey-deleted
    expectStatus(await project.backend('DELETE', `/users/${userID}/passkeys/${credentialRecordId}`), 200);
  });

  it('an append-only trail, oldest first, with every kind of event and its detail', async () => {
    const { passkeyEvents, nextCursor } = await eventsPage(project, '');
    expect(passkeyEvents.map((e) => e.type)).toEqual([
      'passkey-appended',
      'login-succeeded',
      'token-verified',
      'token-refused',
      'login-failed',
      'login-succeeded',
      'token-refused',
      'passkey-deleted',
    ]);
    expect(nextCursor).toEqual(expect.any(String));
    for (const event of passkeyEvents) {
      expect(Object.keys(event).sort()).toEqual(['createdAt', 'credentialID', 'detail', 'id', 'processId', 'type', 'userID']);
      expect(event.id).toMatch(/^evt-\d+$/);
      expect(event.userID).toBe(userID);
      expect(event.credentialID).toBe(credentialRecordId);
      expect(typeof event.detail).toBe('object');
      expect(Math.abs(event.createdAt - Date.now() / 1000)).toBeLessThan(30);
    }
    const ids = passkeyEvents.map((e) => Number(e.id.slice(4)));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);

    const [appended, login1, verified, refused1, failed, login2, refused2, deleted] = passkeyEvents as [PasskeyEvent, PasskeyEvent, PasskeyEvent, PasskeyEvent, PasskeyEvent, PasskeyEvent, PasskeyEvent, PasskeyEvent];
    expect(appended.processId).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(login1.processId).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(login1.processId).not.toBe(appended.processId);
    expect(login1.detail).toMatchObject({ isCUI: false });
    // The verification events name the login that produced the token.
    expect(verified.processId).toBe(login1.processId);
    expect(refused1.detail).toMatchObject({ result: 'alreadyUsed' });
    expect(refused1.detail.jti).toBe(verified.detail.jti);
    expect(failed.detail).toMatchObject({ reason: 'bad_signature' });
    expect(failed.processId).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(login2.processId).not.toBe(login1.processId);
    expect(refused2.detail).toMatchObject({ result: 'usernameMismatch' });
    expect(refused2.processId).toBe(login2.processId);
    expect(deleted.detail).toMatchObject({ via: 'backend' });
  });

  it('records why a login failed, even without a known user or credential', async () => {
    const init = await project.frontend('/login/init', {});
    expect((await project.frontend('/login/start', { processId: init.body.processId, identifier: 'stranger@example.com' })).body).toEqual({ status: 'noPasskey', decisionTags: [] });
    const unknownKey = new SoftAuthenticator();
    const appendedElsewhere = await appendPasskey(server.main, unknownKey, 'not-in-audit-app@example.com');
    expectStatus(appendedElsewhere, 200);
    const cui = await project.frontend('/login/init', {});
    const response = unknownKey.getAssertion({ ...cui.body.conditionalUIChallenge, rpId: 'localhost' }, { origin: ORIGIN });
    expectError(await project.frontend('/login/finish', { processId: cui.body.processId, assertionResponse: response, isConditionalUI: true }), 422, 'unknown_credential');

    const all = (await eventsPage(project, '?limit=500')).passkeyEvents;
    const noPasskey = all.find((e) => e.processId === init.body.processId);
    expect(noPasskey).toMatchObject({ type: 'login-failed', userID: null, credentialID: null, detail: { reason: 'no_passkey' } });
    const unknown = all.find((e) => e.processId === cui.body.processId);
    expect(unknown).toMatchObject({ type: 'login-failed', userID: null, credentialID: null, detail: { reason: 'unknown_credential', isCUI: true } });
  });

  it('token-refused for a forged token names no user', async () => {
    expect((await verify(project, 'forged.token.here')).body.verificationResult).toBe('invalidSignature');
    const all = (await eventsPage(project, '?limit=500')).passkeyEvents;
    expect(all.at(-1)).toMatchObject({ type: 'token-refused', userID: null, credentialID: null, processId: null, detail: { result: 'invalidSignature' } });
  });

  it('?userID= keeps to one user', async () => {
    const mine = (await eventsPage(project, `?userID=${userID}`)).passkeyEvents;
    expect(mine.length).toBeGreaterThanOrEqual(8);
    expect(mine.every((e) => e.userID === userID)).toBe(true);
    expect((await eventsPage(project, '?userID=usr-1234567890123456789')).passkeyEvents).toEqual([]);
  });

  it('cursor paging with limit visits every event once, in order; at the end the cursor stays usable for polling', async () => {
    const query = (cursor: string | null) => `?userID=${userID}&limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const full = (await eventsPage(project, `?userID=${userID}`)).passkeyEvents;
    const seen: PasskeyEvent[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const answer = await eventsPage(project, query(cursor));
      expect(answer.passkeyEvents.length).toBeLessThanOrEqual(3);
      seen.push(...answer.passkeyEvents);
      expect(answer.nextCursor).toEqual(expect.any(String));
      if (answer.passkeyEvents.length === 0) {
        // Nothing more: the same cursor comes back.
        expect(answer.nextCursor).toBe(cursor);
        break;
      }
      cursor = answer.nextCursor;
    }
    expect(seen).toEqual(full);

    // Polling: a new event appears after the cursor, and only it.
    expect((await verify(project, 'another.forged.token')).body.verificationResult).toBe('invalidSignature');
    expectStatus(await appendPasskey(project, new SoftAuthenticator(), identifier), 200);
    const polled = await eventsPage(project, query(cursor));
    expect(polled.passkeyEvents.map((e) => e.type)).toEqual(['passkey-appended']);
    expect(polled.nextCursor).not.toBe(cursor);
    expect((await eventsPage(project, query(polled.nextCursor))).passkeyEvents).toEqual([]);
  });

  it('cursor paging over the whole project trail equals one big page', async () => {
    const full = (await eventsPage(project, '?limit=500')).passkeyEvents;
    const seen: PasskeyEvent[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const answer: { passkeyEvents: PasskeyEvent[]; nextCursor: string | null } = await eventsPage(project, `?limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      if (answer.passkeyEvents.length === 0) break;
      seen.push(...answer.passkeyEvents);
      cursor = answer.nextCursor;
    }
    expect(seen).toEqual(full);
  });

  it('a bad cursor: 400 invalid_cursor', async () => {
    for (const cursor of ['junk', '!!!', Buffer.from('e-1').toString('base64url'), Buffer.from('x12').toString('base64url'), 'evt-1', 'ZQ']) {
      expectError(await project.backend('GET', `/passkeyEvents?cursor=${encodeURIComponent(cursor)}`), 400, 'invalid_cursor');
    }
  });

  it('events belong to their project: another project sees none of them', async () => {
    const mine = (await eventsPage(project, '?limit=500')).passkeyEvents;
    const fresh = await server.addProject({ name: 'Nosy app' });
    expect(await eventsPage(fresh, '')).toEqual({ passkeyEvents: [], nextCursor: null });
    expect((await eventsPage(fresh, `?userID=${userID}`)).passkeyEvents).toEqual([]);
    // Nor via a cursor taken from the audited project.
    const foreignCursor = (await eventsPage(project, '?limit=1')).nextCursor!;
    expect((await eventsPage(fresh, `?cursor=${encodeURIComponent(foreignCursor)}`)).passkeyEvents).toEqual([]);
    // And the main project's trail has none of the audit project's events.
    const mainIds = new Set((await eventsPage(server.main, '?limit=500')).passkeyEvents.map((e) => e.id));
    expect(mine.filter((e) => mainIds.has(e.id))).toEqual([]);
  });

  it('limit bounds: 0 and 501 are 400 invalid_request', async () => {
    expectError(await project.backend('GET', '/passkeyEvents?limit=0'), 400, 'invalid_request');
    expectError(await project.backend('GET', '/passkeyEvents?limit=501'), 400, 'invalid_request');
  });
});
