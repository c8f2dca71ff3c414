import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { updateProject } from '../src/projects/update-project.js';
import { connectToken, expectStatus, verify } from './helpers/ceremonies.js';
import { expectError, type HttpAnswer } from './helpers/http-client.js';
import { errorLogs, ORIGIN, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';

/**
 * Native Android apps (issue 13): an app's Credential Manager calls the Frontend API over plain
 * HTTP (no Origin header, no CORS), and its WebAuthn responses carry the origin
 * `android:apk-key-hash:<base64url of the signing certificate's SHA-256>`. Accepted exactly for
 * the apps the project lists; any other such origin is refused as origin_not_allowed, named.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

/** A signing certificate's SHA-256, in the Play Console's colon hex and as the origin Android writes. */
function certificate(seed: string): { colonHex: string; origin: string } {
  const digest = createHash('sha256').update(seed).digest();
  return {
    colonHex: [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':'),
    origin: `android:apk-key-hash:${digest.toString('base64url')}`,
  };
}

const RELEASE = certificate('release key');
const OTHER = certificate('someone else');

/** An app calls the Frontend API as Credential Manager code does: no Origin header. */
const app = (p: TestProject, path: string, body: unknown) => p.frontend(path, body, { origin: null });

async function appendFromApp(p: TestProject, authenticator: SoftAuthenticator, identifier: string, origin: string): Promise<HttpAnswer> {
  const token = await connectToken(p, 'passkey-append', identifier, identifier);
  const init = await app(p, '/append/init', { connectToken: token });
  expectStatus(init, 200);
  const start = await app(p, '/append/start', { processId: init.body.processId });
  expectStatus(start, 200);
  const response = authenticator.createCredential(start.body.attestationOptions, { origin });
  return app(p, '/append/finish', { processId: init.body.processId, attestationResponse: response });
}

async function loginFromApp(p: TestProject, authenticator: SoftAuthenticator, identifier: string, origin: string): Promise<HttpAnswer> {
  const init = await app(p, '/login/init', {});
  expectStatus(init, 200);
  const start = await app(p, '/login/start', { processId: init.body.processId, identifier });
  expectStatus(start, 200);
  expect(start.body.status).toBe('ok');
  const response = authenticator.getAssertion(start.body.assertionOptions, { origin });
  return app(p, '/login/finish', { processId: init.body.processId, assertionResponse: response, isConditionalUI: false });
}

function expectAppRefused(answer: HttpAnswer, p: TestProject, refused: { colonHex: string; origin: string }): void {
  expectError(answer, 403, 'origin_not_allowed');
  expect(answer.body.error.message).toBe(
    `origin ${refused.origin} is not an allowed app of project ${p.project.id} (an Android app signed by the certificate with SHA-256 ${refused.colonHex}); ` +
      `an operator allows it with \`latchkey project update ${p.project.id} --add-android-app <package.name>:${refused.colonHex}\``,
  );
}

describe('an Android app the project lists', () => {
  it('appends a passkey and logs in with it over plain HTTP; the backend verifies the token', async () => {
    const p = await server.addProject({ androidApps: [`com.example.shop:${RELEASE.colonHex.toLowerCase()}`] });
    // Stored in the Play Console's upper-case colon hex, whatever case it was given in.
    expect(p.project.androidApps).toEqual([{ packageName: 'com.example.shop', sha256CertFingerprint: RELEASE.colonHex }]);
    const authenticator = new SoftAuthenticator();

    const appended = await appendFromApp(p, authenticator, 'android@example.com', RELEASE.origin);
    expectStatus(appended, 200);
    const loggedIn = await loginFromApp(p, authenticator, 'android@example.com', RELEASE.origin);
    expectStatus(loggedIn, 200);
    const verified = await verify(p, loggedIn.body.signedPasskeyData);
    expect(verified.body).toMatchObject({ verificationResult: 'success', username: 'android@example.com' });
    // The same passkey still works on the web origin: one RP ID, one passkey.
    const web = await loginFromApp(p, authenticator, 'android@example.com', ORIGIN);
    expectStatus(web, 200);
  });
});

describe('an Android origin the project does not list: 403 origin_not_allowed, naming it', () => {
  it('another signing certificate is refused for append and for login', async () => {
    const p = await server.addProject({ androidApps: [`com.example.shop:${RELEASE.colonHex}`] });
    const authenticator = new SoftAuthenticator();
    expectAppRefused(await appendFromApp(p, authenticator, 'other@example.com', OTHER.origin), p, OTHER);

    expectStatus(await appendFromApp(p, authenticator, 'other@example.com', RELEASE.origin), 200);
    expectAppRefused(await loginFromApp(p, authenticator, 'other@example.com', OTHER.origin), p, OTHER);
    // The refusals are in the audit trail with their reason.
    const user = (await p.backend('GET', '/users?identifier=other%40example.com')).body.users[0];
    const events = (await p.backend('GET', `/passkeyEvents?userID=${user.userID}`)).body.passkeyEvents as Array<{ type: string; detail: any }>;
    expect(events.filter((e) => e.type.endsWith('-failed'))).toEqual([
      expect.objectContaining({ type: 'append-failed', detail: { reason: 'origin_not_allowed' } }),
      expect.objectContaining({ type: 'login-failed', detail: { reason: 'origin_not_allowed', isCUI: false } }),
    ]);
  });

  it('a project without Android apps refuses every android:apk-key-hash origin', async () => {
    const p = await server.addProject();
    const authenticator = new SoftAuthenticator();
    expectAppRefused(await appendFromApp(p, authenticator, 'none@example.com', RELEASE.origin), p, RELEASE);
    expectStatus(await appendFromApp(p, authenticator, 'none@example.com', ORIGIN), 200);
    expectAppRefused(await loginFromApp(p, authenticator, 'none@example.com', RELEASE.origin), p, RELEASE);
  });

  it('an origin of that form that holds no SHA-256 is refused and named all the same', async () => {
    const p = await server.addProject({ androidApps: [`com.example.shop:${RELEASE.colonHex}`] });
    const origin = 'android:apk-key-hash:bm90LWEtaGFzaA';
    const answer = await appendFromApp(p, new SoftAuthenticator(), 'junk@example.com', origin);
    expectError(answer, 403, 'origin_not_allowed');
    expect(answer.body.error.message).toBe(`origin ${origin} is not an allowed app of project ${p.project.id}`);
  });

  it('removing the app takes effect at once', async () => {
    const p = await server.addProject({ androidApps: [`com.example.shop:${RELEASE.colonHex}`] });
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendFromApp(p, authenticator, 'removed@example.com', RELEASE.origin), 200);
    await updateProject(server.ctx, p.project.id, { removeAndroidApps: ['com.example.shop'] });
    expectAppRefused(await loginFromApp(p, authenticator, 'removed@example.com', RELEASE.origin), p, RELEASE);
  });
});

describe('the documents the RP ID domain hosts, served publicly', () => {
  it('assetlinks.json, apple-app-site-association and webauthn, exactly', async () => {
    const p = await server.addProject({
      androidApps: [`com.example.shop:${RELEASE.colonHex}`, `com.example.shop:${OTHER.colonHex}`, `com.example.admin:${RELEASE.colonHex}`],
      iosApps: ['ABCDE12345.com.example.shop'],
      relatedOrigins: ['https://shop.example.de'],
    });
    const get = (file: string) => server.request('GET', `/v2/projects/${p.project.id}/.well-known/${file}`);
    const relation = ['delegate_permission/common.handle_all_urls', 'delegate_permission/common.get_login_creds'];

    const assetlinks = await get('assetlinks.json');
    expect(assetlinks.status).toBe(200);
    expect(assetlinks.headers.get('access-control-allow-origin')).toBe('*');
    expect(assetlinks.body).toEqual([
      { relation, target: { namespace: 'android_app', package_name: 'com.example.shop', sha256_cert_fingerprints: [RELEASE.colonHex, OTHER.colonHex] } },
      { relation, target: { namespace: 'android_app', package_name: 'com.example.admin', sha256_cert_fingerprints: [RELEASE.colonHex] } },
    ]);
    expect((await get('apple-app-site-association')).body).toEqual({ webcredentials: { apps: ['ABCDE12345.com.example.shop'] } });
    expect((await get('webauthn')).body).toEqual({ origins: ['https://shop.example.de'] });
    expectError(await server.request('GET', '/v2/projects/pro-1000000000000000000/.well-known/webauthn'), 404, 'project_not_found');
  });
});
