import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { connectToken, expectStatus, verify } from './helpers/ceremonies.js';
import { expectError, type HttpAnswer } from './helpers/http-client.js';
import { errorLogs, ORIGIN, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';

/**
 * Related origins (WebAuthn Related Origin Requests): pages on other domains that use the
 * project's RP ID. A listed one is allowed by CORS and its WebAuthn responses are accepted; any
 * other is refused, by CORS when the browser names it (403 origin_not_allowed) and by the
 * clientDataJSON check when it does not (422 origin_mismatch).
 */

const RELATED = 'https://shop-related.example';
const UNLISTED = 'https://shop-unlisted.example';

let server: TestServer;
let p: TestProject;
beforeAll(async () => {
  server = await startTestServer();
  p = await server.addProject({ relatedOrigins: [`${RELATED}/`] });
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

/** A page on `page` (the Origin header; null: none) whose WebAuthn responses carry `signedOn`. */
async function append(authenticator: SoftAuthenticator, identifier: string, page: string | null, signedOn: string): Promise<HttpAnswer> {
  const token = await connectToken(p, 'passkey-append', identifier, identifier);
  const init = await p.frontend('/append/init', { connectToken: token }, { origin: page });
  if (init.status !== 200) return init;
  const start = await p.frontend('/append/start', { processId: init.body.processId }, { origin: page });
  expectStatus(start, 200);
  const response = authenticator.createCredential(start.body.attestationOptions, { origin: signedOn });
  return p.frontend('/append/finish', { processId: init.body.processId, attestationResponse: response }, { origin: page });
}

async function login(authenticator: SoftAuthenticator, identifier: string, page: string | null, signedOn: string): Promise<HttpAnswer> {
  const init = await p.frontend('/login/init', {}, { origin: page });
  if (init.status !== 200) return init;
  const start = await p.frontend('/login/start', { processId: init.body.processId, identifier }, { origin: page });
  expectStatus(start, 200);
  const response = authenticator.getAssertion(start.body.assertionOptions, { origin: signedOn });
  return p.frontend('/login/finish', { processId: init.body.processId, assertionResponse: response, isConditionalUI: false }, { origin: page });
}

describe('a listed related origin', () => {
  it('is stored normalised and served in /.well-known/webauthn', async () => {
    expect(p.project.relatedOrigins).toEqual([RELATED]);
    expect((await server.request('GET', `/v2/projects/${p.project.id}/.well-known/webauthn`)).body).toEqual({ origins: [RELATED] });
  });

  it('passes CORS, preflight included', async () => {
    const preflight = await server.request('OPTIONS', '/v2/connect/login/init', {
      headers: { origin: RELATED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-project-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(RELATED);
    const init = await p.frontend('/login/init', {}, { origin: RELATED });
    expectStatus(init, 200);
    expect(init.headers.get('access-control-allow-origin')).toBe(RELATED);
    expect((await server.request('GET', `/v2/projects/${p.project.id}/origin-check`, { headers: { origin: RELATED } })).body).toEqual({ origin: RELATED, allowed: true });
  });

  it('appends a passkey and logs in with it; the passkey works on the RP ID\'s own origin too', async () => {
    const authenticator = new SoftAuthenticator();
    expectStatus(await append(authenticator, 'related@example.com', RELATED, RELATED), 200);
    const loggedIn = await login(authenticator, 'related@example.com', RELATED, RELATED);
    expectStatus(loggedIn, 200);
    expect((await verify(p, loggedIn.body.signedPasskeyData)).body.verificationResult).toBe('success');
    expectStatus(await login(authenticator, 'related@example.com', ORIGIN, ORIGIN), 200);
  });
});

describe('an origin the project does not list', () => {
  it('named by the browser: 403 origin_not_allowed naming it, for append and login', async () => {
    const authenticator = new SoftAuthenticator();
    for (const answer of [await append(authenticator, 'unlisted@example.com', UNLISTED, UNLISTED), await login(authenticator, 'unlisted@example.com', UNLISTED, UNLISTED)]) {
      expectError(answer, 403, 'origin_not_allowed');
      expect(answer.body.error.message).toContain(`origin ${UNLISTED} is not an allowed origin of project ${p.project.id}`);
    }
    const preflight = await server.request('OPTIONS', '/v2/connect/login/init', {
      headers: { origin: UNLISTED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-project-id' },
    });
    expectError(preflight, 403, 'origin_not_allowed');
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('only in clientDataJSON: 422 origin_mismatch naming it, for append and login', async () => {
    const authenticator = new SoftAuthenticator();
    const appended = await append(authenticator, 'signed-elsewhere@example.com', null, UNLISTED);
    expectError(appended, 422, 'origin_mismatch');
    expect(appended.body.error.message).toContain(UNLISTED);
    expectStatus(await append(authenticator, 'signed-elsewhere@example.com', null, RELATED), 200);
    const loggedIn = await login(authenticator, 'signed-elsewhere@example.com', null, UNLISTED);
    expectError(loggedIn, 422, 'origin_mismatch');
    expect(loggedIn.body.error.message).toContain(UNLISTED);
  });

  it('a related origin of another project is not this project\'s', async () => {
    const other = await server.addProject({ relatedOrigins: [UNLISTED] });
    expect(other.project.relatedOrigins).toEqual([UNLISTED]);
    const authenticator = new SoftAuthenticator();
    expectError(await append(authenticator, 'crossed@example.com', UNLISTED, UNLISTED), 403, 'origin_not_allowed');
    expectError(await append(authenticator, 'crossed@example.com', null, UNLISTED), 422, 'origin_mismatch');
  });
});
