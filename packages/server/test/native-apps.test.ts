import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { LatchkeyError } from '../src/errors/latchkey-error.js';
import { createProject } from '../src/projects/create-project.js';
import { getProject } from '../src/projects/get-project.js';
import { updateProject, type UpdateProjectInput } from '../src/projects/update-project.js';
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

describe('settings: apps and related origins are validated strictly; a refusal changes nothing', () => {
  const FP = RELEASE.colonHex;
  const ACCEPTED_ANDROID = 'accepted: <package.name>:<SHA-256 of the signing certificate in colon hex, 32 bytes, as the Play Console shows it>';
  const ACCEPTED_IOS = 'accepted: <TEAMID>.<bundle.id>, e.g. ABCDE12345.com.example.shop (the team ID is 10 upper-case letters and digits)';
  const cases: Array<[string, UpdateProjectInput, string, string]> = [
    ['a non-hex byte', { addAndroidApps: ['com.example.shop:FA:C6:ZZ'] }, 'invalid_android_app', `"FA:C6:ZZ" is not colon-separated hex pairs; ${ACCEPTED_ANDROID}`],
    ['hex without colons', { addAndroidApps: [`com.example.shop:${FP.replaceAll(':', '')}`] }, 'invalid_android_app', 'is not colon-separated hex pairs'],
    ['a SHA-1 (20 bytes)', { addAndroidApps: [`com.example.shop:${FP.split(':').slice(0, 20).join(':')}`] }, 'invalid_android_app', 'the fingerprint of com.example.shop has 20 bytes, a SHA-256 has 32 (this looks like a SHA-1: copy the SHA-256 line)'],
    ['33 bytes', { addAndroidApps: [`com.example.shop:${FP}:00`] }, 'invalid_android_app', 'has 33 bytes, a SHA-256 has 32;'],
    ['no fingerprint', { addAndroidApps: ['com.example.shop'] }, 'invalid_android_app', '"com.example.shop" has no signing-certificate fingerprint'],
    ['a one-part package name', { addAndroidApps: [`shop:${FP}`] }, 'invalid_android_app', '"shop" is not an Android package name'],
    ['a package name starting with a digit', { addAndroidApps: [`com.1example:${FP}`] }, 'invalid_android_app', '"com.1example" is not an Android package name'],
    ['removing an app that is not listed', { removeAndroidApps: [`com.example.shop:${FP}`] }, 'invalid_android_app', `com.example.shop:${FP} is not one of the project's Android apps`],
    ['a lower-case team ID', { addIosApps: ['abcde12345.com.example.shop'] }, 'invalid_ios_app', `"abcde12345" is not an Apple team ID; ${ACCEPTED_IOS}`],
    ['a short team ID', { addIosApps: ['ABCDE.com.example.shop'] }, 'invalid_ios_app', '"ABCDE" is not an Apple team ID'],
    ['no bundle ID', { addIosApps: ['ABCDE12345.'] }, 'invalid_ios_app', '"" is not a bundle ID'],
    ['a bundle ID with a space', { addIosApps: ['ABCDE12345.com.example shop'] }, 'invalid_ios_app', '"com.example shop" is not a bundle ID'],
    ['removing an iOS app that is not listed', { removeIosApps: ['ABCDE12345.com.example.shop'] }, 'invalid_ios_app', "ABCDE12345.com.example.shop is not one of the project's iOS apps"],
    ['a plain-http related origin', { addRelatedOrigins: ['http://shop.example.de'] }, 'invalid_related_origin', 'related origin "http://shop.example.de" must use https'],
    ['a related origin with a path', { addRelatedOrigins: ['https://shop.example.de/login'] }, 'invalid_related_origin', 'must be an origin only'],
    ['a related origin under the RP ID', { addRelatedOrigins: ['https://app.localhost'] }, 'invalid_related_origin', 'https://app.localhost is under the RP ID localhost: it needs no related-origin entry; allow it with --add-origin'],
    ['a related origin on an IP address', { addRelatedOrigins: ['https://192.0.2.1'] }, 'invalid_related_origin', 'is not on a registrable domain'],
    ['a related origin on a bare public suffix', { addRelatedOrigins: ['https://co.uk'] }, 'invalid_related_origin', 'is not on a registrable domain'],
    ['not a URL', { addRelatedOrigins: ['shop.example.de'] }, 'invalid_related_origin', '"shop.example.de" is not a URL'],
    ['removing a related origin that is not listed', { removeRelatedOrigins: ['https://shop.example.de'] }, 'invalid_related_origin', "https://shop.example.de is not one of the project's related origins"],
  ];

  it.each(cases)('%s: 400 with what is accepted', async (_, change, code, message) => {
    const p = await server.addProject();
    const refusal = await updateProject(server.ctx, p.project.id, { addAndroidApps: [`com.example.other:${FP}`], ...change }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LatchkeyError);
    expect(refusal).toMatchObject({ status: 400, code });
    expect((refusal as LatchkeyError).message).toContain(message);
    expect(await getProject(server.ctx, p.project.id)).toEqual(p.project);
  });

  it('create validates alike, and lists each app and origin once', async () => {
    await expect(createProject(server.ctx, { name: 'x', rpId: 'localhost', origins: [ORIGIN], androidApps: ['com.example.shop:00'] })).rejects.toMatchObject({ code: 'invalid_android_app' });
    const { project } = await createProject(server.ctx, {
      name: 'Once', rpId: 'localhost', origins: [ORIGIN],
      androidApps: [`com.example.shop:${FP}`, `com.example.shop:${FP.toLowerCase()}`],
      iosApps: ['ABCDE12345.com.example.shop', 'ABCDE12345.com.example.shop'],
      relatedOrigins: ['https://shop.example.de', 'https://SHOP.example.de/'],
    });
    expect(project).toMatchObject({
      androidApps: [{ packageName: 'com.example.shop', sha256CertFingerprint: FP }],
      iosApps: [{ teamId: 'ABCDE12345', bundleId: 'com.example.shop' }],
      relatedOrigins: ['https://shop.example.de'],
    });
  });
});
