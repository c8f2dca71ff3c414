import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus, login } from './helpers/ceremonies.js';
import { killAllCliProcesses, runCliJson, serveCli } from './helpers/cli-process.js';
import { errorLogs, ORIGIN, startTestServer, type HttpAnswer, type TestServer } from './helpers/harness.js';
import { httpRequest, projectClient } from './helpers/http-client.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';

/**
 * Secrets in transit: no answer that carries a secret, a token or personal data may be kept by a
 * browser or proxy cache, and no identifier (an email) reaches a log line, URLs included.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const expectNoStore = (what: string, answer: HttpAnswer) => expect(answer.headers.get('cache-control'), what).toBe('no-store');

describe('Cache-Control: no-store', () => {
  it('is on every answer of a ceremony, of the Backend API and on errors; the JWKS stays publicly cacheable', async () => {
    const p = server.main;
    const identifier = 'no-store@example.com';
    const answers: Array<[string, HttpAnswer]> = [];
    const keep = (what: string, answer: HttpAnswer) => {
      answers.push([what, answer]);
      return answer;
    };

    // Append, step by step: the connect token's secret, then the passkey.
    const created = keep('POST /connectTokens', await p.backend('POST', '/connectTokens', { type: 'passkey-append', data: { identifier } }));
    expectStatus(created, 201);
    expect(created.body.secret).toMatch(/^ctk1_/);
    keep('GET /connectTokens', await p.backend('GET', `/connectTokens?identifier=${encodeURIComponent(identifier)}`));
    const authenticator = new SoftAuthenticator();
    const appendInit = keep('append/init', await p.frontend('/append/init', { connectToken: created.body.secret }));
    const appendStart = keep('append/start', await p.frontend('/append/start', { processId: appendInit.body.processId }));
    const attestation = authenticator.createCredential(appendStart.body.attestationOptions, { origin: ORIGIN });
    expectStatus(keep('append/finish', await p.frontend('/append/finish', { processId: appendInit.body.processId, attestationResponse: attestation })), 200);

    // Login, step by step: signedPasskeyData, then its verification.
    const loginInit = keep('login/init', await p.frontend('/login/init', {}));
    const loginStart = keep('login/start', await p.frontend('/login/start', { processId: loginInit.body.processId, identifier }));
    const assertion = authenticator.getAssertion(loginStart.body.assertionOptions, { origin: ORIGIN });
    const finished = keep('login/finish', await p.frontend('/login/finish', { processId: loginInit.body.processId, assertionResponse: assertion, isConditionalUI: false }));
    expectStatus(finished, 200);
    expect(finished.body.signedPasskeyData).toBeTypeOf('string');
    const verified = keep('verifySignedData', await p.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: finished.body.signedPasskeyData }));
    expect(verified.body.verificationResult).toBe('success');
    keep('verifySignedData alreadyUsed', await p.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: finished.body.signedPasskeyData }));

    // The Backend API's reads of users, passkeys and events.
    const users = keep('GET /users', await p.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`));
    const userId = users.body.users[0].userID as string;
    expect(userId).toMatch(/^usr-/);
    keep('GET /users/:id', await p.backend('GET', `/users/${userId}`));
    keep('GET /users/:id/passkeys', await p.backend('GET', `/users/${userId}/passkeys`));
    keep('GET /passkeyEvents', await p.backend('GET', `/passkeyEvents?userID=${userId}`));

    // Managing passkeys from the browser with a connect token.
    keep('manage/list', await p.frontend('/manage/list', { connectToken: await connectToken(p, 'passkey-list', identifier) }));

    // Refusals too (they may echo what was sent).
    keep('401', await p.backend('GET', '/users', undefined, { secret: 'latchkey1_wrong' }));
    keep('400', await p.frontend('/login/start', { processId: 'x', identifier: 42 }));
    keep('404 route', await server.request('GET', '/v2/nothing-here?identifier=someone%40example.com'));
    keep('/readyz', await server.request('GET', '/readyz'));

    expect(answers.length).toBeGreaterThan(15);
    for (const what of ['GET /connectTokens', 'login/start', 'GET /users/:id', 'GET /users/:id/passkeys', 'GET /passkeyEvents', 'manage/list']) {
      expect(answers.find(([name]) => name === what)![1].status, what).toBe(200);
    }
    for (const [what, answer] of answers) expectNoStore(what, answer);

    const jwks = await server.request('GET', `/v2/projects/${p.project.id}/.well-known/jwks.json`);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=60');
    expect(errorLogs(server)).toEqual([]);
  });
});

describe('identifiers in logs', () => {
  const dirs: string[] = [];
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    killAllCliProcesses();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const database of databases) await database.drop();
  });

  it('never appear in `latchkey serve`’s log lines at debug level, neither from bodies nor from URLs', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'latchkey-logs-'));
    dirs.push(cwd);
    const database = await freshDatabase();
    databases.push(database);
    const options = { db: database.url, cwd, env: { LATCHKEY_LOG_LEVEL: 'debug' } };
    const created = await runCliJson(['project', 'create', '--name', 'Logs', '--rp-id', 'localhost', '--origin', ORIGIN], options);
    const served = await serveCli([], options);
    const p = projectClient(served.url, created.project, created.apiSecret);

    const person = 'alice.private';
    const identifier = `${person}@example.com`;
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendPasskey(p, authenticator, identifier), 200);
    expectStatus(await login(p, authenticator, identifier), 200);
    // An identifier without passkeys, and one too long for the schema (refused with 400).
    const init = await p.frontend('/login/init', {});
    expect((await p.frontend('/login/start', { processId: init.body.processId, identifier: `nobody.${identifier}` })).body.status).toBe('noPasskey');
    expect((await p.frontend('/login/start', { processId: init.body.processId, identifier: `${person}${'x'.repeat(300)}@example.com` })).status).toBe(400);
    // Identifiers in query strings, on routes that exist and on one that does not.
    const query = `identifier=${encodeURIComponent(identifier)}`;
    expect((await p.backend('GET', `/users?${query}&limit=5`)).status).toBe(200);
    expect((await p.backend('GET', `/connectTokens?${query}`)).status).toBe(200);
    expect((await httpRequest(served.url, 'GET', `/v2/nowhere?${query}`)).status).toBe(404);
    expect((await httpRequest(served.url, 'GET', `/healthz?who=${identifier}`)).status).toBe(200);
    expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const logs = served.stdout() + served.stderr();
    // The log is there and covers these requests (their URLs, redacted).
    expect(logs).toContain('"msg":"incoming request"');
    expect(logs).toContain('/v2/users?identifier=[redacted]&limit=5');
    expect(logs).toContain('/v2/connectTokens?identifier=[redacted]');
    // No form of the identifier: plain, percent-encoded, or its local part alone.
    for (const form of [identifier, encodeURIComponent(identifier), person, 'example.com']) expect(logs).not.toContain(form);
  });
});
