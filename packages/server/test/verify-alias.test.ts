import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsOf, tokenFor } from './helpers/ceremonies.js';
import { basicAuth, type HttpAnswer } from './helpers/http-client.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';

/**
 * `POST /v2/passkeys/verifySignedData` (plural, as some integration guides write it) is an alias of
 * `POST /v2/passkey/verifySignedData`: the same answers, the same single use across both paths,
 * the same authentication, validation and verification counter.
 */

const SINGULAR = '/v2/passkey/verifySignedData';
const PLURAL = '/v2/passkeys/verifySignedData';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

function post(path: string, body: unknown, secret = server.main.secret): Promise<HttpAnswer> {
  return server.request('POST', path, { body, headers: { authorization: basicAuth(server.main.project.id, secret) } });
}

/** An answer without what differs per request (its id). */
const comparable = (answer: HttpAnswer) => ({
  status: answer.status,
  body: answer.body?.error ? { error: { ...answer.body.error, requestId: '<id>' } } : answer.body,
  contentType: answer.headers.get('content-type'),
  cacheControl: answer.headers.get('cache-control'),
});

const successes = async () => Number(/^latchkey_signed_data_verifications_total\{result="success"\} (\d+)/m.exec((await server.request('GET', '/metrics')).body as string)?.[1] ?? 0);

describe('the plural path answers exactly like the singular one', () => {
  it('success, then alreadyUsed on either path (one jti, one use)', async () => {
    const before = await successes();
    const viaPlural = await tokenFor(server.main, 'alias@example.com');
    const viaSingular = await tokenFor(server.main, 'alias@example.com');
    const [plural, singular] = [await post(PLURAL, { signedPasskeyData: viaPlural }), await post(SINGULAR, { signedPasskeyData: viaSingular })];
    expect(plural.body).toEqual({ verificationResult: 'success', userID: claimsOf(viaPlural).sub, username: 'alias@example.com' });
    expect(comparable(plural)).toEqual(comparable(singular));
    expect(await successes()).toBe(before + 2);

    // Replays, each token on the other path: spent is spent, whichever path spent it.
    const replays = [await post(SINGULAR, { signedPasskeyData: viaPlural }), await post(PLURAL, { signedPasskeyData: viaSingular })];
    expect(replays[0]!.body).toEqual({ verificationResult: 'alreadyUsed', userID: '', username: '' });
    expect(comparable(replays[0]!)).toEqual(comparable(replays[1]!));
  });

  it('usernameMismatch and invalidSignature alike', async () => {
    const token = await tokenFor(server.main, 'alias-mismatch@example.com');
    const mismatch = [await post(PLURAL, { signedPasskeyData: token, username: 'someone@example.com' }), await post(SINGULAR, { signedPasskeyData: token, username: 'someone@example.com' })];
    expect(mismatch[0]!.body.verificationResult).toBe('usernameMismatch');
    expect(comparable(mismatch[0]!)).toEqual(comparable(mismatch[1]!));
    const junk = [await post(PLURAL, { signedPasskeyData: 'x' }), await post(SINGULAR, { signedPasskeyData: 'x' })];
    expect(junk[0]!.body.verificationResult).toBe('invalidSignature');
    expect(comparable(junk[0]!)).toEqual(comparable(junk[1]!));
  });

  it('bad credentials, no credentials and a malformed body are refused alike', async () => {
    const badSecret = [await post(PLURAL, { signedPasskeyData: 'x' }, 'latchkey1_wrong'), await post(SINGULAR, { signedPasskeyData: 'x' }, 'latchkey1_wrong')];
    expect(badSecret[0]!.status).toBe(401);
    expect(comparable(badSecret[0]!)).toEqual(comparable(badSecret[1]!));
    const anonymous = [await server.request('POST', PLURAL, { body: { signedPasskeyData: 'x' } }), await server.request('POST', SINGULAR, { body: { signedPasskeyData: 'x' } })];
    expect(anonymous[0]!.status).toBe(401);
    expect(comparable(anonymous[0]!)).toEqual(comparable(anonymous[1]!));
    const malformed = [await post(PLURAL, { token: 'x' }), await post(SINGULAR, { token: 'x' })];
    expect(malformed[0]!.status).toBe(400);
    expect(comparable(malformed[0]!)).toEqual(comparable(malformed[1]!));
  });

  it('is documented in OpenAPI as an alias, with its own operation id', async () => {
    const document = (await server.request('GET', '/openapi.json')).body;
    const alias = document.paths[PLURAL].post;
    const original = document.paths[SINGULAR].post;
    expect(alias.operationId).toBe('verifySignedDataAlias');
    expect(alias.description).toMatch(/^Alias of `POST \/v2\/passkey\/verifySignedData`/);
    expect({ ...alias, operationId: undefined, summary: undefined, description: undefined }).toEqual({ ...original, operationId: undefined, summary: undefined, description: undefined });
  });
});
