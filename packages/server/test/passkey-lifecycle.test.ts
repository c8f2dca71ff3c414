import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus, login, loginConditional } from './helpers/ceremonies.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';
import { expectError } from './helpers/http-client.js';

/**
 * Passkey lifecycle (issue 13) over real HTTP on both stores: provider names from the AAGUID data
 * set, labels (rename) through the Frontend and Backend APIs, changing a user's names, and the
 * Signal API details the frontend answers carry.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const GOOGLE = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';
const userOf = async (identifier: string) => (await server.main.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users[0];
const events = async (userId: string) => (await server.main.backend('GET', `/passkeyEvents?userID=${userId}`)).body.passkeyEvents as Array<{ type: string; credentialID: string | null; detail: any }>;
const handleOf = (webauthnId: string) => Buffer.from(webauthnId, 'utf8').toString('base64url');

async function userWithPasskeys(identifier: string) {
  const synced = new SoftAuthenticator({ aaguid: GOOGLE, backupEligible: true, backupState: true });
  const key = new SoftAuthenticator({ backupEligible: false, backupState: false });
  const first = await appendPasskey(server.main, synced, identifier);
  expectStatus(first, 200);
  const second = await appendPasskey(server.main, key, identifier, { transports: ['usb', 'nfc'] });
  expectStatus(second, 200);
  return { synced, key, first: first.body.passkey, second: second.body.passkey, user: await userOf(identifier) };
}

describe('the passkey object', () => {
  it('names the provider from the AAGUID data set, and says created, last used, synced or device-bound, transports and label', async () => {
    const { first, second, user } = await userWithPasskeys('shape@example.com');
    expect(first).toMatchObject({
      aaguid: GOOGLE,
      provider: { name: 'Google Password Manager' },
      authenticatorName: 'Google Password Manager',
      name: null,
      backedUp: true,
      deviceBound: false,
      createdAt: expect.any(Number),
      lastUsedAt: null,
    });
    // An authenticator that does not say who it is (all-zero AAGUID) has no provider.
    expect(second).toMatchObject({ name: null, backedUp: false, deviceBound: true, transports: ['usb', 'nfc'] });
    expect(second).not.toHaveProperty('provider');
    expect(second).not.toHaveProperty('authenticatorName');
    const listed = await server.main.backend('GET', `/users/${user.userID}/passkeys`);
    expect(listed.body.passkeys).toEqual([first, second].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)));
  });
});

describe('rename', () => {
  it('Frontend API: a passkey-rename token labels one passkey (trimmed), is spent, and the trail records it', async () => {
    const { first, user } = await userWithPasskeys('rename@example.com');
    const token = await connectToken(server.main, 'passkey-rename', 'rename@example.com');
    const answer = await server.main.frontend('/manage/rename', { connectToken: token, passkeyId: first.id, name: '  Work laptop  ' });
    expectStatus(answer, 200);
    expect(answer.body.passkey).toEqual({ ...first, name: 'Work laptop' });
    expectError(await server.main.frontend('/manage/rename', { connectToken: token, passkeyId: first.id, name: 'Again' }), 409, 'connect_token_spent');
    const listed = await server.main.backend('GET', `/users/${user.userID}/passkeys`);
    expect(listed.body.passkeys.find((p: any) => p.id === first.id).name).toBe('Work laptop');
    expect((await events(user.userID)).filter((e) => e.type === 'passkey-renamed')).toEqual([
      expect.objectContaining({ credentialID: first.id, detail: { via: 'frontend' } }),
    ]);
  });

  it('refuses a bad label with 400 invalid_label and leaves the token usable', async () => {
    const { first } = await userWithPasskeys('labels@example.com');
    const token = await connectToken(server.main, 'passkey-rename', 'labels@example.com');
    const bad = ['', '   ', 'x'.repeat(65), 'tab\there', 'new\nline', 'bell\u0007', 'bidi \u202Eevil', 'lone \ud800 surrogate', 'del\u007f'];
    for (const name of bad) {
      expectError(await server.main.frontend('/manage/rename', { connectToken: token, passkeyId: first.id, name }), 400, 'invalid_label');
    }
    // 64 code points (emoji are two UTF-16 units each) is the most; NFC-normalised.
    const longest = '🔑'.repeat(64);
    const ok = await server.main.frontend('/manage/rename', { connectToken: token, passkeyId: first.id, name: longest });
    expectStatus(ok, 200);
    expect(ok.body.passkey.name).toBe(longest);
    const backend = await server.main.backend('PATCH', `/users/${(await userOf('labels@example.com')).userID}/passkeys/${first.id}`, { name: 'Cafe\u0301' });
    expectStatus(backend, 200);
    expect(backend.body.passkey.name).toBe('Café');
  });

  it('refuses another type of token, another user’s passkey and an unknown passkey', async () => {
    const { first } = await userWithPasskeys('owner@example.com');
    await userWithPasskeys('other@example.com');
    const deleteToken = await connectToken(server.main, 'passkey-delete', 'owner@example.com');
    expectError(await server.main.frontend('/manage/rename', { connectToken: deleteToken, passkeyId: first.id, name: 'x' }), 403, 'connect_token_wrong_type');
    const otherToken = await connectToken(server.main, 'passkey-rename', 'other@example.com');
    expectError(await server.main.frontend('/manage/rename', { connectToken: otherToken, passkeyId: first.id, name: 'mine now' }), 404, 'passkey_not_found');
    expectError(await server.main.frontend('/manage/rename', { connectToken: otherToken, passkeyId: 'cre-1', name: 'x' }), 404, 'passkey_not_found');
    const other = await userOf('other@example.com');
    expectError(await server.main.backend('PATCH', `/users/${other.userID}/passkeys/${first.id}`, { name: 'x' }), 404, 'passkey_not_found');
    expect((await server.main.backend('GET', `/users/${(await userOf('owner@example.com')).userID}/passkeys`)).body.passkeys.map((p: any) => p.name)).toEqual([null, null]);
  });

  it('Backend API: PATCH /v2/users/{userID}/passkeys/{passkeyId} {name}', async () => {
    const { second, user } = await userWithPasskeys('backend-rename@example.com');
    const answer = await server.main.backend('PATCH', `/users/${user.userID}/passkeys/${second.id}`, { name: 'YubiKey on my keyring' });
    expectStatus(answer, 200);
    expect(answer.body.passkey).toEqual({ ...second, name: 'YubiKey on my keyring' });
    expectError(await server.main.backend('PATCH', `/users/${user.userID}/passkeys/${second.id}`, { name: ' ' }), 400, 'invalid_label');
    expect((await events(user.userID)).filter((e) => e.type === 'passkey-renamed')).toEqual([expect.objectContaining({ credentialID: second.id, detail: { via: 'backend' } })]);
  });
});

describe('changing a user’s names', () => {
  it('PATCH /v2/users/{userID} changes identifier and display name; the next login carries them for signalCurrentUserDetails', async () => {
    const { synced, user } = await userWithPasskeys('old@example.com');
    const answer = await server.main.backend('PATCH', `/users/${user.userID}`, { identifier: 'new@example.com', displayName: 'New Name' });
    expectStatus(answer, 200);
    expect(answer.body).toEqual({ ...user, identifier: 'new@example.com', displayName: 'New Name' });
    expect(await userOf('old@example.com')).toBeUndefined();
    expectError(await server.main.backend('POST', '/connectTokens', { type: 'passkey-list', data: { identifier: 'old@example.com' } }), 404, 'user_not_found');

    const loggedIn = await login(server.main, synced, 'new@example.com');
    expectStatus(loggedIn, 200);
    expect(loggedIn.body.passkeyOperation.identifier).toBe('new@example.com');
    expect(loggedIn.body.signals).toEqual({ rpId: 'localhost', userHandle: handleOf(user.webauthnId), name: 'new@example.com', displayName: 'New Name' });
    const autofilled = await loginConditional(server.main, synced);
    expectStatus(autofilled, 200);
    expect(autofilled.body.signals).toMatchObject({ name: 'new@example.com', displayName: 'New Name' });

    const updated = (await events(user.userID)).filter((e) => e.type === 'user-updated');
    expect(updated).toEqual([expect.objectContaining({ detail: { fields: ['identifier', 'displayName'], via: 'backend' } })]);
  });

  it('only the display name; an empty one falls back to the identifier', async () => {
    const { user } = await userWithPasskeys('display@example.com');
    const renamed = await server.main.backend('PATCH', `/users/${user.userID}`, { displayName: 'Dee' });
    expect([renamed.status, renamed.body.identifier, renamed.body.displayName]).toEqual([200, 'display@example.com', 'Dee']);
    const cleared = await server.main.backend('PATCH', `/users/${user.userID}`, { displayName: '' });
    expect([cleared.status, cleared.body.displayName]).toEqual([200, 'display@example.com']);
  });

  it('409 identifier_taken, 400 for nothing to change or a bad name, 404 for an unknown user', async () => {
    const { user } = await userWithPasskeys('keeps@example.com');
    await connectToken(server.main, 'passkey-append', 'taken@example.com');
    expectError(await server.main.backend('PATCH', `/users/${user.userID}`, { identifier: 'taken@example.com' }), 409, 'identifier_taken');
    expectError(await server.main.backend('PATCH', `/users/${user.userID}`, {}), 400, 'invalid_user_update');
    expectError(await server.main.backend('PATCH', `/users/${user.userID}`, { identifier: '' }), 400, 'invalid_identifier');
    expectError(await server.main.backend('PATCH', `/users/${user.userID}`, { identifier: 'a\u001bb' }), 400, 'invalid_identifier');
    expectError(await server.main.backend('PATCH', `/users/${user.userID}`, { displayName: 'x'.repeat(257) }), 400, 'invalid_display_name');
    expectError(await server.main.backend('PATCH', '/users/usr-123456789012345678', { displayName: 'x' }), 404, 'user_not_found');
    // Its own identifier again is no change, not a conflict.
    expectStatus(await server.main.backend('PATCH', `/users/${user.userID}`, { identifier: 'keeps@example.com' }), 200);
    expect((await userOf('keeps@example.com')).userID).toBe(user.userID);
    expect((await events(user.userID)).filter((e) => e.type === 'user-updated')).toEqual([]);
  });
});

describe('Signal API details in frontend answers', () => {
  it('list, delete and append carry rpId, the user handle, the names and (list, delete) every accepted credential id', async () => {
    const { first, second, user } = await userWithPasskeys('signals@example.com');
    const signals = { rpId: 'localhost', userHandle: handleOf(user.webauthnId), name: 'signals@example.com', displayName: 'signals@example.com' };

    const listed = await server.main.frontend('/manage/list', { connectToken: await connectToken(server.main, 'passkey-list', 'signals@example.com') });
    expectStatus(listed, 200);
    expect(listed.body.signals).toEqual({ ...signals, acceptedCredentialIds: listed.body.passkeys.map((p: any) => p.credentialId) });
    expect([...listed.body.signals.acceptedCredentialIds].sort()).toEqual([first.credentialId, second.credentialId].sort());

    const deleted = await server.main.frontend('/manage/delete', { connectToken: await connectToken(server.main, 'passkey-delete', 'signals@example.com'), passkeyId: first.id });
    expectStatus(deleted, 200);
    expect(deleted.body).toEqual({ signals: { ...signals, acceptedCredentialIds: [second.credentialId] } });

    const appended = await appendPasskey(server.main, new SoftAuthenticator(), 'signals@example.com');
    expectStatus(appended, 200);
    expect(appended.body.signals).toEqual(signals);
  });
});
