import type { TestLatchkey } from '@latchkey/test-support';
import { SoftAuthenticator } from '@latchkey/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatchkeyApiError, type LatchkeyClient, type PasskeyIcon, type User } from '../src/index.js';
import { appendPasskey, frontend, loginWithPasskey } from './helpers/ceremonies.js';
import { clientFor, latchkeyWithClient } from './helpers/latchkey.js';

/** Each Backend API call through the SDK, against a real server, checked by its effect. */
let latchkey: TestLatchkey;
let client: LatchkeyClient;

beforeAll(async () => ({ latchkey, client } = await latchkeyWithClient()));
afterAll(() => latchkey.close());

const expectApiError = async (promise: Promise<unknown>, status: number, code: string) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LatchkeyApiError);
  expect(error).toMatchObject({ status, code, attempts: 1, requestId: expect.stringMatching(/^req_/) });
};

describe('connectTokens', () => {
  it('create passkey-append makes the user and a token the page can append with', async () => {
    const created = await client.connectTokens.create('passkey-append', { identifier: 'ann@example.com', displayName: 'Ann' });
    expect(created).toEqual({ id: expect.stringMatching(/^ctk-\d{19}$/), secret: expect.stringMatching(/^ctk1_[0-9A-Za-z]{30}$/), type: 'passkey-append', status: 'initial', expires: expect.any(Number) });
    const user = await client.users.findByIdentifier('ann@example.com');
    expect(user).toMatchObject({ identifier: 'ann@example.com', displayName: 'Ann', userID: expect.stringMatching(/^usr-/) });
    const init = await frontend(latchkey, latchkey.project, '/append/init', { connectToken: created.secret });
    expect(init.appendAllowed).toBe(true);
  });

  it('create passkey-list and passkey-delete tokens that the manage API accepts', async () => {
    const authenticator = new SoftAuthenticator();
    const passkey = await appendPasskey(latchkey, latchkey.project, authenticator, 'ben@example.com');
    const list = await client.connectTokens.create('passkey-list', { identifier: 'ben@example.com' });
    expect(list.type).toBe('passkey-list');
    expect((await frontend(latchkey, latchkey.project, '/manage/list', { connectToken: list.secret })).passkeys.map((p: { id: string }) => p.id)).toEqual([passkey.id]);
    const del = await client.connectTokens.create('passkey-delete', { identifier: 'ben@example.com' });
    await frontend(latchkey, latchkey.project, '/manage/delete', { connectToken: del.secret, passkeyId: passkey.id });
    expect(await client.users.listPasskeys((await client.users.findByIdentifier('ben@example.com'))!.userID)).toEqual([]);
  });

  it('create passkey-list for an unknown identifier throws user_not_found', async () => {
    await expectApiError(client.connectTokens.create('passkey-list', { identifier: 'nobody@example.com' }), 404, 'user_not_found');
  });

  it('list shows a user’s tokens without secrets; revoke makes one unusable', async () => {
    const a = await client.connectTokens.create('passkey-append', { identifier: 'cat@example.com' });
    const b = await client.connectTokens.create('passkey-list', { identifier: 'cat@example.com' });
    const user = await client.users.findByIdentifier('cat@example.com');
    const listed = await client.connectTokens.list('cat@example.com');
    expect(listed.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
    for (const token of listed) {
      expect(token).toEqual({ id: expect.any(String), type: expect.any(String), status: 'initial', userID: user!.userID, createdAt: expect.any(Number), expires: expect.any(Number) });
    }

    await client.connectTokens.revoke(a.id);
    const init = await fetch(`${latchkey.url}/v2/connect/append/init`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', 'x-project-id': latchkey.project.id },
      body: JSON.stringify({ connectToken: a.secret }),
    });
    expect(init.status).toBe(401);
    expect(((await init.json()) as { error: { code: string } }).error.code).toBe('connect_token_revoked');
    expect((await client.connectTokens.list('cat@example.com')).find((t) => t.id === a.id)?.status).toBe('revoked');
    // Idempotent; an unknown id is still an error.
    await client.connectTokens.revoke(a.id);
    const events = await client.passkeyEvents.list({ userID: user!.userID });
    expect(events.passkeyEvents.filter((e) => e.type === 'connect-token-revoked')).toHaveLength(1);
    await expectApiError(client.connectTokens.revoke('ctk-1000000000000000000'), 404, 'connect_token_not_found');
  });
});

describe('users', () => {
  let dora: User;
  let passkeyId: string;
  const authenticator = new SoftAuthenticator();

  beforeAll(async () => {
    passkeyId = (await appendPasskey(latchkey, latchkey.project, authenticator, 'dora@example.com')).id;
    dora = (await client.users.findByIdentifier('dora@example.com'))!;
  });

  it('findByIdentifier matches exactly, or answers null', async () => {
    expect(dora).toEqual({ userID: expect.stringMatching(/^usr-\d{18,19}$/), identifier: 'dora@example.com', displayName: 'dora@example.com', webauthnId: expect.stringMatching(/^[0-9a-f-]{36}$/), createdAt: expect.any(Number) });
    expect(await client.users.findByIdentifier('DORA@example.com')).toBeNull();
  });

  it('get answers the user, or throws user_not_found', async () => {
    expect(await client.users.get(dora.userID)).toEqual(dora);
    await expectApiError(client.users.get('usr-1000000000000000000'), 404, 'user_not_found');
  });

  it('list pages through all users with a cursor', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const answer = await client.users.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(answer.users.length).toBeLessThanOrEqual(2);
      all.push(...answer.users.map((u) => u.identifier));
      if (answer.nextCursor === null) break;
      cursor = answer.nextCursor;
    }
    expect(all).toContain('dora@example.com');
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe((await client.users.list({ limit: 500 })).users.length);
  });

  it('listPasskeys answers the user’s passkeys; deletePasskey removes one so it cannot log in', async () => {
    const passkeys = await client.users.listPasskeys(dora.userID);
    expect(passkeys).toEqual([
      expect.objectContaining({ id: passkeyId, credentialId: authenticator.credentials[0]!.id, backupEligible: true, transports: expect.any(Array), createdAt: expect.any(Number) }),
    ]);
    await client.users.deletePasskey(dora.userID, passkeyId);
    expect(await client.users.listPasskeys(dora.userID)).toEqual([]);
    await expect(loginWithPasskey(latchkey, latchkey.project, authenticator, 'dora@example.com')).rejects.toThrow(/noPasskey/);
    await expectApiError(client.users.deletePasskey(dora.userID, passkeyId), 404, 'passkey_not_found');
  });

  it('renamePasskey labels a passkey (trimmed) and the list shows it with its provider, synced / device-bound and dates', async () => {
    const google = new SoftAuthenticator({ aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', backupEligible: true, backupState: true });
    const appended = await appendPasskey(latchkey, latchkey.project, google, 'gil@example.com');
    const gil = (await client.users.findByIdentifier('gil@example.com'))!;
    const renamed = await client.users.renamePasskey(gil.userID, appended.id, '  Pixel 9  ');
    expect(renamed).toMatchObject({ id: appended.id, name: 'Pixel 9', provider: { name: 'Google Password Manager' }, backedUp: true, deviceBound: false, createdAt: expect.any(Number), lastUsedAt: null });
    // Every passkey has an icon: the data set names Google's provider but has no icon, so the generic one.
    const icon: PasskeyIcon = renamed.icon;
    expect(icon).toEqual({ light: expect.stringMatching(/^data:image\/svg\+xml;base64,/), dark: expect.stringMatching(/^data:image\/svg\+xml;base64,/), source: 'generic' });
    expect(await client.users.listPasskeys(gil.userID)).toEqual([renamed]);
    await expectApiError(client.users.renamePasskey(gil.userID, appended.id, ' \t '), 400, 'invalid_label');
    await expectApiError(client.users.renamePasskey(gil.userID, appended.id, 'x'.repeat(65)), 400, 'invalid_label');
    await expectApiError(client.users.renamePasskey(gil.userID, 'cre-1', 'x'), 404, 'passkey_not_found');
    const events = await client.passkeyEvents.list({ userID: gil.userID });
    expect(events.passkeyEvents.map((e) => e.type)).toContain('passkey-renamed');
  });

  it('update changes identifier and display name; identifier_taken when another user has it', async () => {
    const hal = new SoftAuthenticator();
    await appendPasskey(latchkey, latchkey.project, hal, 'hal@example.com');
    await appendPasskey(latchkey, latchkey.project, new SoftAuthenticator(), 'ida@example.com');
    const user = (await client.users.findByIdentifier('hal@example.com'))!;
    expect(await client.users.update(user.userID, { identifier: 'hal9000@example.com', displayName: 'HAL' })).toEqual({ ...user, identifier: 'hal9000@example.com', displayName: 'HAL' });
    expect(await client.users.findByIdentifier('hal@example.com')).toBeNull();
    await loginWithPasskey(latchkey, latchkey.project, hal, 'hal9000@example.com');
    await expectApiError(client.users.update(user.userID, { identifier: 'ida@example.com' }), 409, 'identifier_taken');
    await expect(client.users.update(user.userID, {})).rejects.toMatchObject({ name: 'LatchkeyConfigError', code: 'invalid_argument' });
    expect((await client.passkeyEvents.list({ userID: user.userID })).passkeyEvents.filter((e) => e.type === 'user-updated')).toHaveLength(1);
  });

  it('delete removes the user with their passkeys', async () => {
    const eve = new SoftAuthenticator();
    await appendPasskey(latchkey, latchkey.project, eve, 'eve@example.com');
    const user = (await client.users.findByIdentifier('eve@example.com'))!;
    await client.users.delete(user.userID);
    expect(await client.users.findByIdentifier('eve@example.com')).toBeNull();
    await expectApiError(client.users.get(user.userID), 404, 'user_not_found');
    await expectApiError(client.users.delete(user.userID), 404, 'user_not_found');
  });

  it('path parameters are one segment: an id cannot reach another route', async () => {
    await expectApiError(client.users.get('../connectTokens'), 404, 'user_not_found');
    await expectApiError(client.users.listPasskeys('x/../../connectTokens?identifier=dora@example.com'), 404, 'user_not_found');
    for (const id of ['', '.', '..']) {
      await expect(client.users.get(id)).rejects.toMatchObject({ name: 'LatchkeyConfigError', code: 'invalid_argument' });
      await expect(client.users.delete(id)).rejects.toMatchObject({ name: 'LatchkeyConfigError', code: 'invalid_argument' });
    }
  });
});

describe('passkeyEvents', () => {
  it('lists the trail oldest first, per user, and the cursor reads on to newer events', async () => {
    const authenticator = new SoftAuthenticator();
    await appendPasskey(latchkey, latchkey.project, authenticator, 'fay@example.com');
    const fay = (await client.users.findByIdentifier('fay@example.com'))!;
    const token = await loginWithPasskey(latchkey, latchkey.project, authenticator, 'fay@example.com');
    await client.verifySignedData(token);
    await client.verifySignedData(token);

    const first = await client.passkeyEvents.list({ userID: fay.userID, limit: 2 });
    expect(first.passkeyEvents.map((e) => e.type)).toEqual(['passkey-appended', 'login-succeeded']);
    expect(first.passkeyEvents[0]).toEqual({ id: expect.stringMatching(/^evt-/), type: 'passkey-appended', userID: fay.userID, credentialID: expect.stringMatching(/^cre-/), processId: expect.any(String), detail: expect.any(Object), createdAt: expect.any(Number) });
    const second = await client.passkeyEvents.list({ userID: fay.userID, cursor: first.nextCursor! });
    expect(second.passkeyEvents.map((e) => e.type)).toEqual(['token-verified', 'token-refused']);
    expect(second.passkeyEvents[1]!.detail).toMatchObject({ result: 'alreadyUsed' });

    // Polling with the last cursor picks up what happens later.
    const empty = await client.passkeyEvents.list({ userID: fay.userID, cursor: second.nextCursor! });
    expect(empty.passkeyEvents).toEqual([]);
    await client.users.delete(fay.userID);
    const later = await client.passkeyEvents.list({ userID: fay.userID, cursor: empty.nextCursor! });
    expect(later.passkeyEvents.map((e) => e.type)).toEqual(['user-deleted']);
  });

  it('lists every user’s events without a userID', async () => {
    const page = await client.passkeyEvents.list({ limit: 500 });
    expect(new Set(page.passkeyEvents.map((e) => e.userID)).size).toBeGreaterThan(1);
  });

  it('an unknown cursor throws invalid_cursor', async () => {
    await expectApiError(client.passkeyEvents.list({ cursor: 'bogus' }), 400, 'invalid_cursor');
  });
});
