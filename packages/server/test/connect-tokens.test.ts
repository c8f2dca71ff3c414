import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus, login, loginConditional, startAppend } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type HttpAnswer, type TestProject, type TestServer } from './helpers/harness.js';
import { expectError } from './helpers/http-client.js';

/**
 * Connect tokens: the Backend API that issues, lists and revokes them, and the Frontend API's
 * manage routes that redeem passkey-list and passkey-delete tokens. Single use, expiry, type and
 * project binding are all checked over real HTTP.
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
const now = () => Math.floor(server.clock.nowMs() / 1000);

const createToken = (p: TestProject, type: string, data: unknown) => p.backend('POST', '/connectTokens', { type, data });
const usersFor = async (p: TestProject, identifier: string) => (await p.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users as any[];
const tokensFor = async (p: TestProject, identifier: string) => {
  const answer = await p.backend('GET', `/connectTokens?identifier=${encodeURIComponent(identifier)}`);
  expectStatus(answer, 200);
  return answer;
};
const passkeysOf = async (p: TestProject, userID: string) => {
  const answer = await p.backend('GET', `/users/${userID}/passkeys`);
  expectStatus(answer, 200);
  return answer.body.passkeys as any[];
};

/** The contract's passkey object, and nothing else. */
function expectPasskeyShape(passkey: Record<string, unknown>): void {
  const allowed = ['id', 'credentialId', 'aaguid', 'authenticatorName', 'provider', 'icon', 'name', 'backupEligible', 'backupState', 'backedUp', 'deviceBound', 'transports', 'createdAt', 'lastUsedAt', 'userAgent'];
  expect(Object.keys(passkey).filter((k) => !allowed.includes(k))).toEqual([]);
  expect(passkey).toMatchObject({
    id: expect.stringMatching(/^cre-\d{19,20}$/),
    credentialId: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
    aaguid: expect.stringMatching(UUID),
    icon: { light: expect.stringMatching(/^data:image\//), dark: expect.stringMatching(/^data:image\//), source: expect.stringMatching(/^(dataSet|mds|generic)$/) },
    backupEligible: expect.any(Boolean),
    backupState: expect.any(Boolean),
    transports: expect.any(Array),
    createdAt: expect.any(Number),
  });
  expect(passkey.lastUsedAt === null || typeof passkey.lastUsedAt === 'number').toBe(true);
  if ('authenticatorName' in passkey) expect(typeof passkey.authenticatorName).toBe('string');
  if ('userAgent' in passkey) expect(typeof passkey.userAgent).toBe('string');
}

describe('POST /v2/connectTokens', () => {
  it('201 {id, secret, type, status: initial, expires ≈ now + 600} for every type', async () => {
    await connectToken(server.main, 'passkey-append', 'shape@example.com');
    for (const type of ['passkey-append', 'passkey-list', 'passkey-delete']) {
      const before = now();
      const answer = await createToken(server.main, type, { identifier: 'shape@example.com' });
      expect(answer.status).toBe(201);
      expect(Object.keys(answer.body).sort()).toEqual(['expires', 'id', 'secret', 'status', 'type']);
      expect(answer.body.id).toMatch(/^ctk-\d{19}$/);
      expect(answer.body.secret).toMatch(/^ctk1_[0-9A-Za-z]{30}$/);
      expect(answer.body.type).toBe(type);
      expect(answer.body.status).toBe('initial');
      expect(answer.body.expires).toBeGreaterThanOrEqual(before + 600);
      expect(answer.body.expires).toBeLessThanOrEqual(now() + 600);
    }
  });

  it('every token gets its own id and secret', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => createToken(server.main, 'passkey-append', { identifier: 'unique@example.com' })));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(20);
    expect(new Set(answers.map((a) => a.body.secret)).size).toBe(20);
  });

  it('passkey-append creates the user with a fresh UUID webauthnId; displayName defaults to the identifier', async () => {
    expect(await usersFor(server.main, 'new@example.com')).toEqual([]);
    const before = now();
    expect((await createToken(server.main, 'passkey-append', { identifier: 'new@example.com' })).status).toBe(201);
    const [user] = await usersFor(server.main, 'new@example.com');
    expect(user).toEqual({
      userID: expect.stringMatching(/^usr-\d{18,19}$/),
      identifier: 'new@example.com',
      displayName: 'new@example.com',
      webauthnId: expect.stringMatching(UUID),
      createdAt: expect.any(Number),
    });
    expect(user.createdAt).toBeGreaterThanOrEqual(before);

    expect((await createToken(server.main, 'passkey-append', { identifier: 'named@example.com', displayName: 'Ada Lovelace' })).status).toBe(201);
    const [named] = await usersFor(server.main, 'named@example.com');
    expect(named.displayName).toBe('Ada Lovelace');
    expect(named.webauthnId).toMatch(UUID);
    expect(named.webauthnId).not.toBe(user.webauthnId);
    expect(named.userID).not.toBe(user.userID);
  });

  it('a second append token for the same identifier reuses the user (same userID and webauthnId)', async () => {
    await connectToken(server.main, 'passkey-append', 'again@example.com', 'First Name');
    const [first] = await usersFor(server.main, 'again@example.com');
    await connectToken(server.main, 'passkey-append', 'again@example.com', 'Other Name');
    const users = await usersFor(server.main, 'again@example.com');
    expect(users).toEqual([first]);
    const tokens = (await tokensFor(server.main, 'again@example.com')).body.connectTokens;
    expect(tokens.map((t: any) => t.userID)).toEqual([first.userID, first.userID]);
  });

  it('identifiers are matched exactly: case and whitespace make another user', async () => {
    await connectToken(server.main, 'passkey-append', 'Case@example.com');
    await connectToken(server.main, 'passkey-append', 'case@example.com');
    const [upper] = await usersFor(server.main, 'Case@example.com');
    const [lower] = await usersFor(server.main, 'case@example.com');
    expect(upper.userID).not.toBe(lower.userID);
  });

  it('ten concurrent first creations for one new identifier make exactly one user', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => createToken(server.main, 'passkey-append', { identifier: 'racer@example.com' })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const users = await usersFor(server.main, 'racer@example.com');
    expect(users).toHaveLength(1);
    const tokens = (await tokensFor(server.main, 'racer@example.com')).body.connectTokens as any[];
    expect(tokens).toHaveLength(10);
    expect(new Set(tokens.map((t) => t.userID))).toEqual(new Set([users[0].userID]));
  });

  it('passkey-list and passkey-delete for an unknown identifier: 404 user_not_found, and no user is created', async () => {
    for (const type of ['passkey-list', 'passkey-delete']) {
      expectError(await createToken(server.main, type, { identifier: 'ghost@example.com' }), 404, 'user_not_found');
    }
    expect(await usersFor(server.main, 'ghost@example.com')).toEqual([]);
  });

  it('a bad type, or missing / empty / oversized identifier: 400 invalid_request', async () => {
    const bodies: unknown[] = [
      { type: 'passkey-login', data: { identifier: 'a@example.com' } },
      { type: 'PASSKEY-APPEND', data: { identifier: 'a@example.com' } },
      { data: { identifier: 'a@example.com' } },
      { type: 'passkey-append' },
      { type: 'passkey-append', data: {} },
      { type: 'passkey-append', data: { identifier: '' } },
      { type: 'passkey-append', data: { identifier: { $ne: '' } } },
      { type: 'passkey-append', data: { identifier: 'i'.repeat(257) } },
      { type: 'passkey-append', data: { identifier: 'a@example.com', displayName: 'd'.repeat(257) } },
      { type: 'passkey-append', data: 'a@example.com' },
    ];
    for (const body of bodies) expectError(await server.main.backend('POST', '/connectTokens', body), 400, 'invalid_request');
  });

  it('needs the Backend API credentials', async () => {
    const answer = await server.request('POST', '/v2/connectTokens', { body: { type: 'passkey-append', data: { identifier: 'a@example.com' } } });
    expectError(answer, 401, 'invalid_credentials');
    expectError(await server.main.backend('POST', '/connectTokens', { type: 'passkey-append', data: { identifier: 'a@example.com' } }, { secret: 'latchkey1_wrong' }), 401, 'invalid_credentials');
  });
});

describe('GET /v2/connectTokens and DELETE /v2/connectTokens/{id}', () => {
  it('lists a user’s tokens as initial, consumed or expired, never with the secret', async () => {
    const identifier = 'lister@example.com';
    await connectToken(server.main, 'passkey-append', identifier);
    const created: Array<{ id: string; secret: string }> = [];
    const old = await createToken(server.main, 'passkey-list', { identifier });
    created.push(old.body);
    server.clock.advance(601);
    try {
      const used = await createToken(server.main, 'passkey-list', { identifier });
      const fresh = await createToken(server.main, 'passkey-delete', { identifier });
      created.push(used.body, fresh.body);
      expectStatus(await server.main.frontend('/manage/list', { connectToken: used.body.secret }), 200);

      const answer = await tokensFor(server.main, identifier);
      const tokens = answer.body.connectTokens as any[];
      const [user] = await usersFor(server.main, identifier);
      expect(tokens).toHaveLength(4);
      // Oldest first (tokens made within one second have no order among themselves).
      expect(tokens.map((t) => t.createdAt)).toEqual([...tokens.map((t) => t.createdAt)].sort((a, b) => a - b));
      expect(tokens).toEqual(expect.arrayContaining([
        { id: old.body.id, type: 'passkey-list', status: 'expired', userID: user.userID, createdAt: expect.any(Number), expires: old.body.expires },
        { id: used.body.id, type: 'passkey-list', status: 'consumed', userID: user.userID, createdAt: expect.any(Number), expires: used.body.expires },
        { id: fresh.body.id, type: 'passkey-delete', status: 'initial', userID: user.userID, createdAt: expect.any(Number), expires: fresh.body.expires },
        expect.objectContaining({ type: 'passkey-append', status: 'expired' }),
      ]));
      for (const token of tokens) expect(token.expires - token.createdAt).toBe(600);
      const raw = JSON.stringify(answer.body);
      for (const token of created) expect(raw).not.toContain(token.secret);
      expect(raw).not.toMatch(/ctk1_|secret/i);
    } finally {
      server.clock.reset();
    }
  });

  it('an unknown identifier lists no tokens; a missing identifier is 400', async () => {
    expect((await tokensFor(server.main, 'nobody-at-all@example.com')).body).toEqual({ connectTokens: [] });
    expectError(await server.main.backend('GET', '/connectTokens'), 400, 'invalid_request');
  });

  const eventsOf = async (p: TestProject, userID: string) => (await p.backend('GET', `/passkeyEvents?userID=${userID}`)).body.passkeyEvents as any[];

  it('DELETE revokes: 200 {}, the token stays listed as revoked, is refused with 401 connect_token_revoked, and an event records it', async () => {
    const identifier = 'revoked@example.com';
    const created = await createToken(server.main, 'passkey-append', { identifier });
    const answer = await server.main.backend('DELETE', `/connectTokens/${created.body.id}`);
    expect([answer.status, answer.body]).toEqual([200, {}]);
    expectError(await server.main.frontend('/append/init', { connectToken: created.body.secret }), 401, 'connect_token_revoked');
    const [user] = await usersFor(server.main, identifier);
    expect((await tokensFor(server.main, identifier)).body.connectTokens).toEqual([
      { id: created.body.id, type: 'passkey-append', status: 'revoked', userID: user.userID, createdAt: expect.any(Number), expires: created.body.expires },
    ]);
    const revokedEvents = () => eventsOf(server.main, user.userID).then((events) => events.filter((e) => e.type === 'connect-token-revoked'));
    expect(await revokedEvents()).toEqual([
      expect.objectContaining({ type: 'connect-token-revoked', userID: user.userID, detail: { connectTokenId: created.body.id, tokenType: 'passkey-append' } }),
    ]);
    // A second revocation is idempotent: 200 {} again, still revoked, no second event.
    const again = await server.main.backend('DELETE', `/connectTokens/${created.body.id}`);
    expect([again.status, again.body]).toEqual([200, {}]);
    expect((await tokensFor(server.main, identifier)).body.connectTokens.map((t: any) => t.status)).toEqual(['revoked']);
    expect(await revokedEvents()).toHaveLength(1);
  });

  it('a used token cannot be revoked: 409 connect_token_spent, it stays consumed and no event is written', async () => {
    const identifier = 'revoke-used@example.com';
    await connectToken(server.main, 'passkey-append', identifier);
    const list = await createToken(server.main, 'passkey-list', { identifier });
    expectStatus(await server.main.frontend('/manage/list', { connectToken: list.body.secret }), 200);
    expectError(await server.main.backend('DELETE', `/connectTokens/${list.body.id}`), 409, 'connect_token_spent');
    const [user] = await usersFor(server.main, identifier);
    expect((await tokensFor(server.main, identifier)).body.connectTokens.find((t: any) => t.id === list.body.id).status).toBe('consumed');
    expect((await eventsOf(server.main, user.userID)).filter((e) => e.type === 'connect-token-revoked')).toEqual([]);
  });

  it('an expired, unused token can still be revoked (status revoked)', async () => {
    const identifier = 'revoke-expired@example.com';
    const created = await createToken(server.main, 'passkey-append', { identifier });
    server.clock.advance(601);
    try {
      expect((await tokensFor(server.main, identifier)).body.connectTokens[0].status).toBe('expired');
      expectStatus(await server.main.backend('DELETE', `/connectTokens/${created.body.id}`), 200);
      expect((await tokensFor(server.main, identifier)).body.connectTokens[0].status).toBe('revoked');
    } finally {
      server.clock.reset();
    }
  });

  it('a revocation racing a use has exactly one winner: either revoked and refused, or used and not revocable', async () => {
    const identifier = 'revoke-race@example.com';
    await connectToken(server.main, 'passkey-append', identifier);
    for (let i = 0; i < 8; i++) {
      const token = await createToken(server.main, 'passkey-list', { identifier });
      const [revoke, use] = await Promise.all([
        server.main.backend('DELETE', `/connectTokens/${token.body.id}`),
        server.main.frontend('/manage/list', { connectToken: token.body.secret }),
      ]);
      const status = (await tokensFor(server.main, identifier)).body.connectTokens.find((t: any) => t.id === token.body.id).status;
      const outcome = [revoke.status, use.status, use.body.error?.code, status].filter((part) => part !== undefined).join(' ');
      expect(['200 401 connect_token_revoked revoked', '409 200 consumed']).toContain(outcome);
    }
  });

  it('revoking a token stops an append process already opened with it', async () => {
    const created = await createToken(server.main, 'passkey-append', { identifier: 'revoked-mid@example.com' });
    const init = await server.main.frontend('/append/init', { connectToken: created.body.secret });
    expectStatus(init, 200);
    expectStatus(await server.main.backend('DELETE', `/connectTokens/${created.body.id}`), 200);
    expectError(await server.main.frontend('/append/start', { processId: init.body.processId }), 401, 'connect_token_revoked');
  });

  it('revoking a list or delete token makes the manage routes refuse it', async () => {
    const identifier = 'revoked-manage@example.com';
    await connectToken(server.main, 'passkey-append', identifier);
    const list = await createToken(server.main, 'passkey-list', { identifier });
    const del = await createToken(server.main, 'passkey-delete', { identifier });
    expectStatus(await server.main.backend('DELETE', `/connectTokens/${list.body.id}`), 200);
    expectStatus(await server.main.backend('DELETE', `/connectTokens/${del.body.id}`), 200);
    expectError(await server.main.frontend('/manage/list', { connectToken: list.body.secret }), 401, 'connect_token_revoked');
    expectError(await server.main.frontend('/manage/delete', { connectToken: del.body.secret, passkeyId: 'cre-1234567890123456789' }), 401, 'connect_token_revoked');
  });

  it('deleting an unknown or malformed id: 404 connect_token_not_found', async () => {
    for (const id of ['ctk-1234567890123456789', 'ctk-1', 'hello', 'ctk1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']) {
      expectError(await server.main.backend('DELETE', `/connectTokens/${id}`), 404, 'connect_token_not_found');
    }
  });

  it('another project’s token id: 404, and that token keeps working for its own project', async () => {
    const other = await server.addProject({ name: 'Other app' });
    const foreign = await createToken(other, 'passkey-append', { identifier: 'foreign@example.com' });
    expectError(await server.main.backend('DELETE', `/connectTokens/${foreign.body.id}`), 404, 'connect_token_not_found');
    // Nor can one project list another's tokens.
    expect((await tokensFor(server.main, 'foreign@example.com')).body.connectTokens).toEqual([]);
    expect((await tokensFor(other, 'foreign@example.com')).body.connectTokens).toHaveLength(1);
    expectStatus(await other.frontend('/append/init', { connectToken: foreign.body.secret }), 200);
  });
});

describe('POST /v2/connect/manage/list', () => {
  it('with a passkey-list token: the user’s passkeys in the contract’s shape; the token is then spent (409)', async () => {
    const identifier = 'list@example.com';
    const authenticator = new SoftAuthenticator({ aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4' });
    const appended = await appendPasskey(server.main, authenticator, identifier);
    expectStatus(appended, 200);
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator({ backupEligible: false, backupState: false }), identifier, { transports: ['usb'] }), 200);
    expectStatus(await login(server.main, authenticator, identifier), 200);

    const token = await connectToken(server.main, 'passkey-list', identifier);
    const answer = await server.main.frontend('/manage/list', { connectToken: token });
    expectStatus(answer, 200);
    expect(Object.keys(answer.body)).toEqual(['passkeys', 'signals']);
    const passkeys = answer.body.passkeys as any[];
    expect(passkeys).toHaveLength(2);
    for (const passkey of passkeys) expectPasskeyShape(passkey);
    // Passkeys made within one second have no order among themselves: find each by its id.
    const synced = passkeys.find((p) => p.id === appended.body.passkey.id);
    const hardware = passkeys.find((p) => p.id !== appended.body.passkey.id);
    expect(synced).toMatchObject({
      id: appended.body.passkey.id,
      credentialId: authenticator.credentials[0]!.id,
      aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4',
      authenticatorName: 'Google Password Manager',
      backupEligible: true,
      backupState: true,
      transports: ['internal', 'hybrid'],
      lastUsedAt: expect.any(Number),
    });
    expect(hardware).toMatchObject({ backupEligible: false, backupState: false, transports: ['usb'], lastUsedAt: null });
    const [user] = await usersFor(server.main, identifier);
    expect(passkeys).toEqual(await passkeysOf(server.main, user.userID));

    expectError(await server.main.frontend('/manage/list', { connectToken: token }), 409, 'connect_token_spent');
    expect((await tokensFor(server.main, identifier)).body.connectTokens.find((t: any) => t.type === 'passkey-list').status).toBe('consumed');
  });

  it('a user without passkeys: {passkeys: []}', async () => {
    await connectToken(server.main, 'passkey-append', 'empty@example.com');
    const token = await connectToken(server.main, 'passkey-list', 'empty@example.com');
    const answer = await server.main.frontend('/manage/list', { connectToken: token });
    expect([answer.status, answer.body.passkeys, answer.body.signals.acceptedCredentialIds]).toEqual([200, [], []]);
  });

  it('only the token’s user’s passkeys are listed', async () => {
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator(), 'mine@example.com'), 200);
    expectStatus(await appendPasskey(server.main, new SoftAuthenticator(), 'theirs@example.com'), 200);
    const [mine] = await usersFor(server.main, 'mine@example.com');
    const answer = await server.main.frontend('/manage/list', { connectToken: await connectToken(server.main, 'passkey-list', 'mine@example.com') });
    expect(answer.body.passkeys).toEqual(await passkeysOf(server.main, mine.userID));
    expect(answer.body.passkeys).toHaveLength(1);
  });

  it('two concurrent uses of one token: exactly one succeeds', async () => {
    await connectToken(server.main, 'passkey-append', 'race-list@example.com');
    const token = await connectToken(server.main, 'passkey-list', 'race-list@example.com');
    const answers = await Promise.all(Array.from({ length: 5 }, () => server.main.frontend('/manage/list', { connectToken: token })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
  });

  it('an expired token (601 s later): 410 connect_token_expired', async () => {
    await connectToken(server.main, 'passkey-append', 'late-list@example.com');
    const token = await connectToken(server.main, 'passkey-list', 'late-list@example.com');
    server.clock.advance(601);
    try {
      expectError(await server.main.frontend('/manage/list', { connectToken: token }), 410, 'connect_token_expired');
    } finally {
      server.clock.reset();
    }
    // Well inside the lifetime: 590 s (times are whole seconds and the requests take real time, so
    // 599 s could cross the 600 s line on a second boundary).
    const fresh = await connectToken(server.main, 'passkey-list', 'late-list@example.com');
    server.clock.advance(590);
    try {
      expectStatus(await server.main.frontend('/manage/list', { connectToken: fresh }), 200);
    } finally {
      server.clock.reset();
    }
  });

  it('a token of another type: 403 connect_token_wrong_type, and it is not spent', async () => {
    const identifier = 'typed-manage@example.com';
    const append = await connectToken(server.main, 'passkey-append', identifier);
    const del = await connectToken(server.main, 'passkey-delete', identifier);
    const list = await connectToken(server.main, 'passkey-list', identifier);
    expectError(await server.main.frontend('/manage/list', { connectToken: append }), 403, 'connect_token_wrong_type');
    expectError(await server.main.frontend('/manage/list', { connectToken: del }), 403, 'connect_token_wrong_type');
    expectError(await server.main.frontend('/manage/delete', { connectToken: list, passkeyId: 'cre-1234567890123456789' }), 403, 'connect_token_wrong_type');
    expectError(await server.main.frontend('/append/init', { connectToken: list }), 403, 'connect_token_wrong_type');
    // All still usable for their own purpose.
    expectStatus(await server.main.frontend('/manage/list', { connectToken: list }), 200);
    expectStatus(await server.main.frontend('/append/init', { connectToken: append }), 200);
  });

  it('an unknown secret or another project’s token: 401 connect_token_invalid', async () => {
    expectError(await server.main.frontend('/manage/list', { connectToken: 'ctk1_000000000000000000000000000000' }), 401, 'connect_token_invalid');
    expectError(await server.main.frontend('/manage/list', { connectToken: 'nonsense' }), 401, 'connect_token_invalid');
    const other = await server.addProject({ name: 'Elsewhere' });
    await connectToken(other, 'passkey-append', 'elsewhere@example.com');
    const foreign = await connectToken(other, 'passkey-list', 'elsewhere@example.com');
    expectError(await server.main.frontend('/manage/list', { connectToken: foreign }), 401, 'connect_token_invalid');
    // The refusal did not spend it.
    expectStatus(await other.frontend('/manage/list', { connectToken: foreign }), 200);
  });
});

describe('POST /v2/connect/manage/delete', () => {
  it('with a passkey-delete token: {} and the passkey is gone; a login with it then fails 422 unknown_credential', async () => {
    const identifier = 'delete@example.com';
    const doomed = new SoftAuthenticator();
    const kept = new SoftAuthenticator();
    const appended = await appendPasskey(server.main, doomed, identifier);
    expectStatus(appended, 200);
    expectStatus(await appendPasskey(server.main, kept, identifier), 200);
    const [user] = await usersFor(server.main, identifier);

    const token = await connectToken(server.main, 'passkey-delete', identifier);
    const answer = await server.main.frontend('/manage/delete', { connectToken: token, passkeyId: appended.body.passkey.id });
    expect([answer.status, answer.body.signals.acceptedCredentialIds]).toEqual([200, [kept.credentials[0]!.id]]);
    const left = await passkeysOf(server.main, user.userID);
    expect(left.map((p) => p.credentialId)).toEqual([kept.credentials[0]!.id]);

    const refused = await loginConditional(server.main, doomed);
    expectError(refused, 422, 'unknown_credential');
    expectStatus(await login(server.main, kept, identifier), 200);

    // Spent on success.
    expectError(await server.main.frontend('/manage/delete', { connectToken: token, passkeyId: left[0].id }), 409, 'connect_token_spent');
    expect(await passkeysOf(server.main, user.userID)).toHaveLength(1);
    const events = (await server.main.backend('GET', `/passkeyEvents?userID=${user.userID}`)).body.passkeyEvents as any[];
    expect(events.filter((e) => e.type === 'passkey-deleted')).toEqual([expect.objectContaining({ credentialID: appended.body.passkey.id, detail: { via: 'frontend' } })]);
  });

  it('an unknown passkeyId: 404 passkey_not_found and the token is not spent', async () => {
    const identifier = 'delete-unknown@example.com';
    const appended = await appendPasskey(server.main, new SoftAuthenticator(), identifier);
    expectStatus(appended, 200);
    const token = await connectToken(server.main, 'passkey-delete', identifier);
    for (const passkeyId of ['cre-1234567890123456789', 'cre-1', appended.body.passkey.credentialId, '']) {
      expectError(await server.main.frontend('/manage/delete', { connectToken: token, passkeyId }), 404, 'passkey_not_found');
    }
    expect((await tokensFor(server.main, identifier)).body.connectTokens.find((t: any) => t.type === 'passkey-delete').status).toBe('initial');
    const answer = await server.main.frontend('/manage/delete', { connectToken: token, passkeyId: appended.body.passkey.id });
    expect([answer.status, Object.keys(answer.body)]).toEqual([200, ['signals']]);
  });

  it('another user’s passkey: 404 passkey_not_found, it is not deleted, and the token still works for the right one', async () => {
    const victim = await appendPasskey(server.main, new SoftAuthenticator(), 'victim@example.com');
    expectStatus(victim, 200);
    const own = await appendPasskey(server.main, new SoftAuthenticator(), 'attacker@example.com');
    expectStatus(own, 200);
    const token = await connectToken(server.main, 'passkey-delete', 'attacker@example.com');
    expectError(await server.main.frontend('/manage/delete', { connectToken: token, passkeyId: victim.body.passkey.id }), 404, 'passkey_not_found');
    const [victimUser] = await usersFor(server.main, 'victim@example.com');
    expect((await passkeysOf(server.main, victimUser.userID)).map((p) => p.id)).toEqual([victim.body.passkey.id]);

    expect((await server.main.frontend('/manage/delete', { connectToken: token, passkeyId: own.body.passkey.id })).status).toBe(200);
    const [attacker] = await usersFor(server.main, 'attacker@example.com');
    expect(await passkeysOf(server.main, attacker.userID)).toEqual([]);
    expect(await passkeysOf(server.main, victimUser.userID)).toHaveLength(1);
  });

  it('an expired passkey-delete token: 410 connect_token_expired, and nothing is deleted', async () => {
    const appended = await appendPasskey(server.main, new SoftAuthenticator(), 'delete-late@example.com');
    expectStatus(appended, 200);
    const token = await connectToken(server.main, 'passkey-delete', 'delete-late@example.com');
    server.clock.advance(601);
    try {
      expectError(await server.main.frontend('/manage/delete', { connectToken: token, passkeyId: appended.body.passkey.id }), 410, 'connect_token_expired');
    } finally {
      server.clock.reset();
    }
    const [user] = await usersFor(server.main, 'delete-late@example.com');
    expect(await passkeysOf(server.main, user.userID)).toHaveLength(1);
  });

  it('concurrent deletes with one token: exactly one succeeds, exactly one passkey is deleted', async () => {
    const identifier = 'delete-race@example.com';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const appended = await appendPasskey(server.main, new SoftAuthenticator(), identifier);
      expectStatus(appended, 200);
      ids.push(appended.body.passkey.id);
    }
    const token = await connectToken(server.main, 'passkey-delete', identifier);
    const answers = await Promise.all(ids.map((passkeyId) => server.main.frontend('/manage/delete', { connectToken: token, passkeyId })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    const [user] = await usersFor(server.main, identifier);
    expect(await passkeysOf(server.main, user.userID)).toHaveLength(2);
  });

  it('the manage routes keep the Frontend guard: wrong origin 403, no project 400', async () => {
    await connectToken(server.main, 'passkey-append', 'guarded@example.com');
    const token = await connectToken(server.main, 'passkey-list', 'guarded@example.com');
    expectError(await server.main.frontend('/manage/list', { connectToken: token }, { origin: 'https://evil.example' }), 403, 'origin_not_allowed');
    expectError(await server.main.frontend('/manage/list', { connectToken: token }, { projectId: null }), 400, 'project_id_missing');
    // Neither refusal spent it.
    const answer = await server.main.frontend('/manage/list', { connectToken: token }, { origin: ORIGIN });
    expectStatus(answer, 200);
  });
});

describe('append tokens end to end', () => {
  it('an append token opens a process for its own user only', async () => {
    const started = await startAppend(server.main, 'owner@example.com');
    const [user] = await usersFor(server.main, 'owner@example.com');
    expect(started.options.user.id).toBe(Buffer.from(user.webauthnId, 'utf8').toString('base64url'));
    expect(started.options.user.name).toBe('owner@example.com');
  });
});
