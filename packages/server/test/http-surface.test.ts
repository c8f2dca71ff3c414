import { encodeCBOR } from '@levischuck/tiny-cbor';
import helmet from 'helmet';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus, signedPasskeyData, startAppend, startLogin, verify } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type HttpAnswer, type TestProject, type TestServer } from './helpers/harness.js';
import { expectError, expectErrorShape } from './helpers/http-client.js';
import { TEST_STORE } from './helpers/test-store.js';

/**
 * The HTTP surface as a whole: the error shape, the guards in front of the APIs (project, origin,
 * CORS, rate limits, body limits, content types), the operational endpoints, and a deterministic
 * fuzz of every route with hostile input that must never produce a 5xx.
 */

let server: TestServer;
let second: TestProject;
beforeAll(async () => {
  server = await startTestServer();
  second = await server.addProject({ name: 'Second app', rpId: 'second.test', origins: ['https://app.second.test'] });
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const basic = (p: TestProject) => `Basic ${Buffer.from(`${p.project.id}:${p.secret}`).toString('base64')}`;

/** Every non-2xx answer: {error: {code, message, requestId}}, requestId = X-Request-ID. */
/** The fuzz verdict for one answer: null when acceptable, else a description of what is wrong. */
function problemWith(label: string, answer: HttpAnswer): string | null {
  if (answer.status >= 500) return `${label}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
  if (answer.status >= 200 && answer.status < 300) return null;
  const body = answer.body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } } | string;
  const error = typeof body === 'object' && body !== null ? body.error : undefined;
  if (
    !error ||
    typeof error.code !== 'string' ||
    !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(error.code) ||
    typeof error.message !== 'string' ||
    typeof error.requestId !== 'string' ||
    error.requestId !== answer.headers.get('x-request-id')
  ) {
    return `${label}: HTTP ${answer.status} without the error shape: ${JSON.stringify(body).slice(0, 300)} (x-request-id ${answer.headers.get('x-request-id')})`;
  }
  return null;
}

describe('the error shape', () => {
  it('an unknown route: 404 route_not_found with a request id that matches X-Request-ID', async () => {
    const answers = [
      await server.request('GET', '/nope'),
      await server.request('POST', '/v2/connect/login/nope', { body: {}, headers: { 'x-project-id': server.main.project.id } }),
      await server.request('PUT', '/v2/users'),
      await server.request('GET', '/v3/users'),
    ];
    for (const answer of answers) expectError(answer, 404, 'route_not_found');
    // Request ids are generated per request, never reused.
    expect(new Set(answers.map((a) => a.headers.get('x-request-id'))).size).toBe(answers.length);
  });

  it('ignores a client-supplied X-Request-ID (logs cannot be forged into)', async () => {
    const answer = await server.request('GET', '/nope', { headers: { 'x-request-id': 'req_forged' } });
    expect(answer.headers.get('x-request-id')).not.toBe('req_forged');
    expect(answer.body.error.requestId).toBe(answer.headers.get('x-request-id'));
  });

  it('successful answers carry an X-Request-ID too', async () => {
    const answer = await server.main.frontend('/login/init', {});
    expectStatus(answer, 200);
    expect(answer.headers.get('x-request-id')).toMatch(/^req_[0-9A-Za-z]{20}$/);
  });

  it('invalid JSON: 400 invalid_json, on both APIs', async () => {
    const headers = { 'content-type': 'application/json', 'x-project-id': server.main.project.id };
    expectError(await server.request('POST', '/v2/connect/login/init', { raw: '{"clientInfo":', headers }), 400, 'invalid_json');
    expectError(await server.request('POST', '/v2/connect/login/start', { raw: "{processId: 'x'}", headers }), 400, 'invalid_json');
    expectError(
      await server.request('POST', '/v2/passkey/verifySignedData', { raw: '{"signedPasskeyData": "a"', headers: { 'content-type': 'application/json', authorization: basic(server.main) } }),
      400,
      'invalid_json',
    );
  });

  it('an empty JSON body is "no body": fine where the body is optional, 400 invalid_request where it is required', async () => {
    const headers = { 'content-type': 'application/json', 'x-project-id': server.main.project.id };
    const init = await server.request('POST', '/v2/connect/login/init', { raw: '', headers });
    expect(init.status).toBe(200);
    expect(init.body.processId).toMatch(/^[0-9A-Za-z]{20}$/);
    expectError(await server.request('POST', '/v2/connect/login/start', { raw: '', headers }), 400, 'invalid_request');
    // A bodyless DELETE from a client that always sends the JSON content type is not an error.
    const revoked = await server.request('DELETE', '/v2/connectTokens/ctk-0000000000000000000', { raw: '', headers: { 'content-type': 'application/json', authorization: basic(server.main) } });
    expectError(revoked, 404, 'connect_token_not_found');
  });

  it('a NUL character anywhere (body, query, path) is 400 invalid_request before any look-up', async () => {
    expectError(await server.main.frontend('/login/start', { processId: 'x', identifier: 'a\u0000b' }), 400, 'invalid_request');
    expectError(await server.main.frontend('/login/init', { clientInfo: { 'k\u0000': 1 } }), 400, 'invalid_request');
    expectError(await server.main.backend('GET', '/users?identifier=%00'), 400, 'invalid_request');
    expectError(await server.main.backend('GET', '/passkeyEvents?userID=a%00'), 400, 'invalid_request');
    expectError(await server.main.backend('POST', '/connectTokens', { type: 'passkey-append', data: { identifier: 'bob\u0000' } }), 400, 'invalid_request');
    expectError(await server.main.backend('DELETE', '/connectTokens/ctk-%00'), 400, 'invalid_request');
  });

  it('clientInfo is kept small: deep nesting, more than 32 properties or more than 4 KiB are 400, nothing is stored', async () => {
    // 5000 levels, written as text: serialising it would overflow the stack here too.
    const deep = `${'{"d":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const headers = { 'content-type': 'application/json', 'x-project-id': server.main.project.id };
    const before = await server.ctx.store.db.selectFrom('processes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expectError(await server.request('POST', '/v2/connect/login/init', { raw: `{"clientInfo":${deep}}`, headers }), 400, 'invalid_request');
    expectError(
      await server.request('POST', '/v2/connect/append/init', { raw: `{"connectToken":"ctk1_000000000000000000000000000000","clientInfo":${deep}}`, headers }),
      400,
      'invalid_request',
    );
    const wide = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]));
    expectError(await server.main.frontend('/login/init', { clientInfo: wide }), 400, 'client_info_too_large');
    expectError(await server.main.frontend('/login/init', { clientInfo: { big: 'x'.repeat(5000) } }), 400, 'client_info_too_large');
    expectError(await server.main.frontend('/login/init', { clientInfo: { clientCapabilities: wide } }), 400, 'client_info_too_large');
    const after = await server.ctx.store.db.selectFrom('processes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // A modest clientInfo is fine.
    expectStatus(await server.main.frontend('/login/init', { clientInfo: { isUserVerifyingPlatformAuthenticatorAvailable: true, nested: { a: [1, 2] } } }), 200);
  });

  it('prototype-pollution keys are refused as invalid JSON, and pollute nothing', async () => {
    const headers = { 'content-type': 'application/json', 'x-project-id': server.main.project.id };
    for (const raw of ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"clientInfo":{"__proto__":{"polluted":1}}}']) {
      expectError(await server.request('POST', '/v2/connect/login/init', { raw, headers }), 400, 'invalid_json');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a body over the default 64 KiB limit: 413 body_too_large', async () => {
    const raw = JSON.stringify({ clientInfo: { padding: 'x'.repeat(70 * 1024) } });
    expectError(await server.request('POST', '/v2/connect/login/init', { raw, headers: { 'content-type': 'application/json', 'x-project-id': server.main.project.id } }), 413, 'body_too_large');
    const big = JSON.stringify({ signedPasskeyData: 'x'.repeat(70 * 1024) });
    expectError(await server.request('POST', '/v2/passkey/verifySignedData', { raw: big, headers: { 'content-type': 'application/json', authorization: basic(server.main) } }), 413, 'body_too_large');
  });

  it('a body over a configured limit (2048 bytes): 413 body_too_large, while a body under it passes', async () => {
    const small = await startTestServer({ bodyLimit: 2048 });
    try {
      const headers = { 'content-type': 'application/json', 'x-project-id': small.main.project.id };
      expectError(await small.request('POST', '/v2/connect/login/init', { raw: JSON.stringify({ clientInfo: { p: 'x'.repeat(3000) } }), headers }), 413, 'body_too_large');
      expectStatus(await small.request('POST', '/v2/connect/login/init', { raw: JSON.stringify({ clientInfo: { p: 'x'.repeat(1500) } }), headers }), 200);
      const answer = await small.main.backend('POST', '/connectTokens', { type: 'passkey-append', data: { identifier: 'x'.repeat(200), displayName: 'y'.repeat(250) }, pad: 'z'.repeat(2000) });
      expectError(answer, 413, 'body_too_large');
      expect(errorLogs(small)).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('a body that is not JSON (text/plain): 415 unsupported_media_type', async () => {
    const answer = await server.request('POST', '/v2/connect/login/start', {
      raw: JSON.stringify({ processId: 'A'.repeat(20), identifier: 'a@example.com' }),
      headers: { 'content-type': 'text/plain', 'x-project-id': server.main.project.id },
    });
    expectError(answer, 415, 'unsupported_media_type');
  });

  it('a form-encoded body: 415 unsupported_media_type', async () => {
    const answer = await server.request('POST', '/v2/connect/login/start', {
      raw: 'processId=AAAAAAAAAAAAAAAAAAAA&identifier=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-project-id': server.main.project.id },
    });
    expectError(answer, 415, 'unsupported_media_type');
  });

  describe('schema violations: 400 invalid_request', () => {
    let processId: string;
    beforeAll(async () => {
      const init = await server.main.frontend('/login/init', {});
      expectStatus(init, 200);
      processId = init.body.processId;
    });

    it.each<[string, string, unknown]>([
      ['login/start without processId', '/login/start', { identifier: 'a@example.com' }],
      ['login/start without identifier', '/login/start', { processId: 'A'.repeat(20) }],
      ["login/start with identifier ''", '/login/start', { processId: 'A'.repeat(20), identifier: '' }],
      ['login/start with an object for processId', '/login/start', { processId: { $gt: '' }, identifier: 'a@example.com' }],
      ['login/start with two processIds', '/login/start', { processId: ['a', 'b'], identifier: 'a@example.com' }],
      ['login/start with a 300-char identifier', '/login/start', { processId: 'A'.repeat(20), identifier: 'i'.repeat(300) }],
      ['login/finish with isConditionalUI "yes"', '/login/finish', { processId: 'A'.repeat(20), assertionResponse: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'a', authenticatorData: 'a', signature: 'a' }, clientExtensionResults: {} }, isConditionalUI: 'yes' }],
      ['login/finish without assertionResponse', '/login/finish', { processId: 'A'.repeat(20), isConditionalUI: false }],
      ['login/finish with a string assertionResponse', '/login/finish', { processId: 'A'.repeat(20), assertionResponse: 'eyJ9', isConditionalUI: false }],
      ['login/finish with type "password"', '/login/finish', { processId: 'A'.repeat(20), assertionResponse: { id: 'a', rawId: 'a', type: 'password', response: { clientDataJSON: 'a', authenticatorData: 'a', signature: 'a' }, clientExtensionResults: {} } }],
      ['append/init without connectToken', '/append/init', {}],
      ['append/init with a clientInfo string', '/append/init', { connectToken: 'ctk1_x', clientInfo: 'hello' }],
      ['append/finish without attestationResponse', '/append/finish', { processId: 'A'.repeat(20) }],
      ['manage/delete without passkeyId', '/manage/delete', { connectToken: 'ctk1_x' }],
      ['login/init with a clientInfo array', '/login/init', { clientInfo: [1, 2] }],
    ])('%s', async (_label, path, body) => {
      expectError(await server.main.frontend(path, body), 400, 'invalid_request');
    });

    it('a real process with a malformed identifier is refused before it is touched', async () => {
      expectError(await server.main.frontend('/login/start', { processId, identifier: '' }), 400, 'invalid_request');
      // The process is still usable.
      const start = await server.main.frontend('/login/start', { processId, identifier: 'nobody@example.com' });
      expect(start.body).toEqual({ status: 'noPasskey', decisionTags: [] });
    });

    it('a number or boolean where the contract has a string is refused, not coerced', async () => {
      expectError(await server.main.frontend('/login/start', { processId, identifier: 12345 }), 400, 'invalid_request');
      expectError(await server.main.frontend('/append/init', { connectToken: true }), 400, 'invalid_request');
      expectError(await server.main.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: 42 }), 400, 'invalid_request');
    });

    it('backend schema violations', async () => {
      expectError(await server.main.backend('POST', '/connectTokens', { type: 'passkey-append' }), 400, 'invalid_request');
      expectError(await server.main.backend('POST', '/connectTokens', { type: 'root', data: { identifier: 'a' } }), 400, 'invalid_request');
      expectError(await server.main.backend('POST', '/passkey/verifySignedData', {}), 400, 'invalid_request');
      expectError(await server.main.backend('GET', '/users?limit=0'), 400, 'invalid_request');
      expectError(await server.main.backend('GET', '/users?limit=abc'), 400, 'invalid_request');
      expectError(await server.main.backend('GET', '/connectTokens'), 400, 'invalid_request');
    });
  });
});

describe('the Frontend API guard', () => {
  it('no X-Project-ID: 400 project_id_missing', async () => {
    expectError(await server.main.frontend('/login/init', {}, { projectId: null }), 400, 'project_id_missing');
    expectError(await server.main.frontend('/login/init', {}, { projectId: '' }), 400, 'project_id_missing');
  });

  it('an unknown or malformed project id: 404 project_not_found', async () => {
    for (const projectId of ['pro-1234567890123456789', 'pro-123', 'proj_x', "pro-1' OR '1'='1", 'x'.repeat(2000)]) {
      expectError(await server.main.frontend('/login/init', {}, { projectId }), 404, 'project_not_found');
    }
  });

  it('an Origin the project does not list: 403 origin_not_allowed', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:3001', 'https://localhost:3000', 'null', 'https://app.second.test']) {
      const answer = await server.main.frontend('/login/init', {}, { origin });
      expectError(answer, 403, 'origin_not_allowed');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('no Origin header (a server or curl, not a browser): allowed', async () => {
    const answer = await server.main.frontend('/login/init', {}, { origin: null });
    expectStatus(answer, 200);
    expect(answer.body.processId).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a process of one project cannot be continued under another', async () => {
    const init = await server.main.frontend('/login/init', {});
    const crossed = await second.frontend('/login/start', { processId: init.body.processId, identifier: 'a@example.com' });
    expectError(crossed, 404, 'process_not_found');
  });
});

describe('CORS', () => {
  const preflight = (origin: string, path = '/v2/connect/login/init') =>
    server.request('OPTIONS', path, {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-project-id' },
    });

  it('a preflight from a project origin: 204, exactly that origin, X-Project-ID allowed', async () => {
    const answer = await preflight(ORIGIN);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const allowed = (answer.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['x-project-id', 'content-type']));
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary') ?? '').toMatch(/origin/i);
  });

  it('preflights for every Frontend route from a known origin succeed', async () => {
    for (const path of ['login/init', 'login/start', 'login/finish', 'append/init', 'append/start', 'append/finish', 'manage/list', 'manage/delete', 'manage/rename']) {
      const answer = await preflight('https://app.second.test', `/v2/connect/${path}`);
      expect([path, answer.status]).toEqual([path, 204]);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.second.test');
    }
  });

  it('a preflight from an origin no project lists: 403 origin_not_allowed naming the origin and how to allow it, no access-control-allow-origin', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:3000.evil.example', 'null']) {
      const answer = await preflight(origin);
      expectError(answer, 403, 'origin_not_allowed');
      expect(answer.body.error.message).toContain(`origin ${origin} is not an allowed origin`);
      expect(answer.body.error.message).toContain(`latchkey project update <project-id> --add-origin ${origin}`);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-headers')).toBeNull();
    }
  });

  it('an OPTIONS request without an Origin is no preflight: 400 origin_missing, not 404', async () => {
    const answer = await server.request('OPTIONS', '/v2/connect/login/init', { headers: { 'access-control-request-method': 'POST' } });
    expectError(answer, 400, 'origin_missing');
  });

  it('an actual request from the project origin carries that origin in access-control-allow-origin and exposes X-Request-ID', async () => {
    const answer = await server.main.frontend('/login/init', {});
    expectStatus(answer, 200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect((answer.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('x-request-id');
    // Errors are readable by the page too.
    const error = await server.main.frontend('/login/start', { processId: 'A'.repeat(20), identifier: 'x' });
    expectError(error, 404, 'process_not_found');
    expect(error.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('the second project answers its own origin, and refuses the first project’s origin (403, no allow-origin)', async () => {
    const own = await second.frontend('/login/init', {});
    expectStatus(own, 200);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://app.second.test');
    expect(own.body.conditionalUIChallenge.rpId).toBe('second.test');

    const crossed = await second.frontend('/login/init', {}, { origin: ORIGIN });
    expectError(crossed, 403, 'origin_not_allowed');
    expect(crossed.headers.get('access-control-allow-origin')).toBeNull();

    const reverse = await server.main.frontend('/login/init', {}, { origin: 'https://app.second.test' });
    expectError(reverse, 403, 'origin_not_allowed');
    expect(reverse.headers.get('access-control-allow-origin')).toBeNull();
    expect(reverse.body.error.message).toContain(`origin https://app.second.test is not an allowed origin of project ${server.main.project.id}`);
    expect(reverse.body.error.message).toContain(`latchkey project update ${server.main.project.id} --add-origin https://app.second.test`);
    // Never the project's own list of origins.
    expect(reverse.body.error.message).not.toContain(ORIGIN);
  });

  it('the Backend API sends no CORS allow-origin, not even to a project origin', async () => {
    const get = await server.request('GET', '/v2/users?identifier=a', { headers: { authorization: basic(server.main), origin: ORIGIN } });
    expectStatus(get, 200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const post = await server.request('POST', '/v2/passkey/verifySignedData', { body: { signedPasskeyData: 'a.b.c' }, headers: { authorization: basic(server.main), origin: ORIGIN } });
    expectStatus(post, 200);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await server.request('OPTIONS', '/v2/passkey/verifySignedData', {
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(pre.status).not.toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expectErrorShape(pre);
  });

  it('the JWKS is readable from anywhere: access-control-allow-origin *', async () => {
    const answer = await server.request('GET', `/v2/projects/${server.main.project.id}/.well-known/jwks.json`, { headers: { origin: 'https://anyone.example' } });
    expectStatus(answer, 200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(answer.body.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.stringMatching(/^pki-\d{19}$/) })]);
    expect(answer.body.keys[0]).not.toHaveProperty('d');
    expectError(await server.request('GET', '/v2/projects/pro-1111111111111111111/.well-known/jwks.json'), 404, 'project_not_found');
  });
});

describe('rate limiting', () => {
  it('the Frontend API: the 6th request in a minute with a budget of 5 is 429 rate_limited with Retry-After', async () => {
    const limited = await startTestServer({ frontendRateLimit: 5 });
    try {
      for (let i = 0; i < 5; i++) expectStatus(await limited.main.frontend('/login/init', {}), 200);
      const answer = await limited.main.frontend('/login/init', {});
      expectError(answer, 429, 'rate_limited');
      const retryAfter = answer.headers.get('retry-after') ?? '';
      expect(retryAfter).toMatch(/^[1-9]\d*$/);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      // The browser can read the refusal and its Retry-After.
      expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      // The budget covers the whole Frontend API, not only one route.
      expectError(await limited.main.frontend('/login/start', { processId: 'A'.repeat(20), identifier: 'x' }), 429, 'rate_limited');
      // The Backend API has its own budget (unlimited here).
      expectStatus(await limited.main.backend('GET', '/users?identifier=x'), 200);
      expect(errorLogs(limited)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('the Backend API: the 6th verifySignedData in a minute with a budget of 5 is 429 rate_limited with Retry-After', async () => {
    const limited = await startTestServer({ backendRateLimit: 5 });
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await verify(limited.main, 'not.a.token');
        expectStatus(answer, 200);
        expect(answer.body.verificationResult).toBe('invalidSignature');
      }
      const answer = await verify(limited.main, 'not.a.token');
      expectError(answer, 429, 'rate_limited');
      expect(answer.headers.get('retry-after') ?? '').toMatch(/^[1-9]\d*$/);
      // Another project has its own budget.
      const other = await limited.addProject({ name: 'Other' });
      expectStatus(await verify(other, 'not.a.token'), 200);
      // The Frontend API is not limited here.
      expectStatus(await limited.main.frontend('/login/init', {}), 200);
      expect(errorLogs(limited)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('callers with a wrong or no secret cannot spend a project’s Backend budget (project ids are public)', async () => {
    const limited = await startTestServer({ backendRateLimit: 3 });
    try {
      for (let i = 0; i < 6; i++) {
        expectError(await limited.main.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: 'x' }, { secret: `latchkey1_guess${i}` }), 401, 'invalid_credentials');
        expectError(await limited.request('POST', '/v2/passkey/verifySignedData', { body: { signedPasskeyData: 'x' } }), 401, 'invalid_credentials');
      }
      for (let i = 0; i < 3; i++) expectStatus(await verify(limited.main, 'not.a.token'), 200);
      expectError(await verify(limited.main, 'not.a.token'), 429, 'rate_limited');
      expect(errorLogs(limited)).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});

describe('operational endpoints', () => {
  it('GET /healthz: 200 {status: ok}', async () => {
    const answer = await server.request('GET', '/healthz');
    expect([answer.status, answer.body]).toEqual([200, { status: 'ok' }]);
  });

  it('GET /readyz: 200 {status: ready, checks}', async () => {
    const answer = await server.request('GET', '/readyz');
    expect([answer.status, answer.body]).toEqual([200, { status: 'ready', checks: { store: 'ok', signingKey: 'ok' }, ...(TEST_STORE === 'sqlite' ? { sqliteSynchronous: 'normal' } : {}) }]);
  });

  it('GET /readyz with the store gone: 503 store_unavailable, while /healthz still answers ok', async () => {
    const broken = await startTestServer();
    try {
      await broken.ctx.store.close();
      const answer = await broken.request('GET', '/readyz');
      expectError(answer, 503, 'store_unavailable');
      expect((await broken.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    } finally {
      await broken.close().catch(() => broken.app.close());
    }
  });

  it('GET /metrics: Prometheus text with request and verification counters', async () => {
    expectStatus(await verify(server.main, 'garbage'), 200);
    const answer = await server.request('GET', '/metrics');
    expectStatus(answer, 200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = answer.body as string;
    expect(text).toContain('# TYPE latchkey_http_requests_total counter');
    expect(text).toMatch(/^latchkey_http_requests_total\{[^}]*route="\/v2\/passkey\/verifySignedData"[^}]*\} [1-9]\d*$/m);
    expect(text).toMatch(/^latchkey_signed_data_verifications_total\{result="invalidSignature"\} [1-9]\d*$/m);
  });

  it('GET /openapi.json: an OpenAPI 3.1 document of the whole API', async () => {
    const answer = await server.request('GET', '/openapi.json');
    expectStatus(answer, 200);
    expect(answer.body.openapi).toBe('3.1.0');
    const paths = Object.keys(answer.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v2/connect/login/init',
        '/v2/connect/login/start',
        '/v2/connect/login/finish',
        '/v2/connect/append/init',
        '/v2/connect/append/start',
        '/v2/connect/append/finish',
        '/v2/connect/manage/list',
        '/v2/connect/manage/delete',
        '/v2/passkey/verifySignedData',
        '/v2/connectTokens',
        '/v2/connectTokens/{id}',
        '/v2/users',
        '/v2/users/{userID}',
        '/v2/users/{userID}/passkeys',
        '/v2/users/{userID}/passkeys/{passkeyId}',
        '/v2/passkeyEvents',
        '/v2/projects/{projectId}/.well-known/jwks.json',
        '/v2/passkeys/verifySignedData',
        '/v2/projects/{projectId}/.well-known/webauthn',
        '/v2/projects/{projectId}/.well-known/assetlinks.json',
        '/v2/projects/{projectId}/.well-known/apple-app-site-association',
      ]),
    );
    expect(answer.body.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(answer.body.paths['/v2/passkey/verifySignedData'].post.security).toEqual([{ basicAuth: [] }]);
  });

  it('GET /docs: an HTML viewer', async () => {
    for (const path of ['/docs', '/docs/']) {
      const answer = await server.request('GET', path);
      expectStatus(answer, 200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.body as string).toMatch(/<html/i);
    }
  });

  it('security headers (helmet) on API answers, errors included: exactly those helmet’s own middleware sets on a real response', async () => {
    // helmet's middleware on a plain node:http server, with the options Latchkey passes (app.ts).
    const applyHelmet = helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'cross-origin' } });
    const plain = createServer((req, res) => applyHelmet(req, res, () => res.end()));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const fromHelmet = await fetch(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/`);
    plain.close();
    const helmetSet = [...fromHelmet.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name));
    expect(helmetSet.length).toBeGreaterThanOrEqual(10);
    for (const answer of [await server.request('GET', '/healthz'), await server.main.frontend('/login/init', {}), await server.request('GET', '/nope'), await server.main.backend('GET', '/users')]) {
      for (const [name, value] of helmetSet) expect([name, answer.headers.get(name)]).toEqual([name, value]);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('the Backend API without or with wrong credentials: 401 invalid_credentials with a Basic challenge', async () => {
    const answers = [
      await server.request('GET', '/v2/users'),
      await server.request('GET', '/v2/users', { headers: { authorization: 'Bearer x' } }),
      await server.request('GET', '/v2/users', { headers: { authorization: `Basic ${Buffer.from(`${server.main.project.id}:wrong`).toString('base64')}` } }),
      await server.request('GET', '/v2/users', { headers: { authorization: `Basic ${Buffer.from(`${second.project.id}:${server.main.secret}`).toString('base64')}` } }),
    ];
    for (const answer of answers) {
      expectError(answer, 401, 'invalid_credentials');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
  });
});

// ---------------------------------------------------------------------------
// Fuzz
// ---------------------------------------------------------------------------

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with {param} placeholders. */
  path: string;
  api: 'frontend' | 'backend' | 'public';
}

const ROUTES: Route[] = [
  { name: 'login/init', method: 'POST', path: '/v2/connect/login/init', api: 'frontend' },
  { name: 'login/start', method: 'POST', path: '/v2/connect/login/start', api: 'frontend' },
  { name: 'login/finish', method: 'POST', path: '/v2/connect/login/finish', api: 'frontend' },
  { name: 'append/init', method: 'POST', path: '/v2/connect/append/init', api: 'frontend' },
  { name: 'append/start', method: 'POST', path: '/v2/connect/append/start', api: 'frontend' },
  { name: 'append/finish', method: 'POST', path: '/v2/connect/append/finish', api: 'frontend' },
  { name: 'manage/list', method: 'POST', path: '/v2/connect/manage/list', api: 'frontend' },
  { name: 'manage/delete', method: 'POST', path: '/v2/connect/manage/delete', api: 'frontend' },
  { name: 'manage/rename', method: 'POST', path: '/v2/connect/manage/rename', api: 'frontend' },
  { name: 'verifySignedData', method: 'POST', path: '/v2/passkey/verifySignedData', api: 'backend' },
  { name: 'POST connectTokens', method: 'POST', path: '/v2/connectTokens', api: 'backend' },
  { name: 'GET connectTokens', method: 'GET', path: '/v2/connectTokens', api: 'backend' },
  { name: 'DELETE connectTokens/{id}', method: 'DELETE', path: '/v2/connectTokens/{a}', api: 'backend' },
  { name: 'GET users', method: 'GET', path: '/v2/users', api: 'backend' },
  { name: 'GET users/{id}', method: 'GET', path: '/v2/users/{a}', api: 'backend' },
  { name: 'DELETE users/{id}', method: 'DELETE', path: '/v2/users/{a}', api: 'backend' },
  { name: 'PATCH users/{id}', method: 'PATCH', path: '/v2/users/{a}', api: 'backend' },
  { name: 'PATCH users/{id}/passkeys/{id}', method: 'PATCH', path: '/v2/users/{a}/passkeys/{b}', api: 'backend' },
  { name: 'GET users/{id}/passkeys', method: 'GET', path: '/v2/users/{a}/passkeys', api: 'backend' },
  { name: 'DELETE users/{id}/passkeys/{id}', method: 'DELETE', path: '/v2/users/{a}/passkeys/{b}', api: 'backend' },
  { name: 'GET passkeyEvents', method: 'GET', path: '/v2/passkeyEvents', api: 'backend' },
  { name: 'GET jwks', method: 'GET', path: '/v2/projects/{a}/.well-known/jwks.json', api: 'public' },
  { name: 'verifySignedData (plural alias)', method: 'POST', path: '/v2/passkeys/verifySignedData', api: 'backend' },
  { name: 'GET well-known webauthn', method: 'GET', path: '/v2/projects/{a}/.well-known/webauthn', api: 'public' },
  { name: 'GET well-known assetlinks', method: 'GET', path: '/v2/projects/{a}/.well-known/assetlinks.json', api: 'public' },
  { name: 'GET well-known apple-app-site-association', method: 'GET', path: '/v2/projects/{a}/.well-known/apple-app-site-association', api: 'public' },
];

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
/** Deterministic "random" bytes (a fixed LCG), so that every run sends the same garbage. */
function junkBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const WEIRD = '\u0000\u202e\u200b\ud83d\ude00\u0301\ufeff<script>alert(1)</script>\'";--\\';
const junkAssertion = {
  id: b64(junkBytes(32, 1)),
  rawId: b64(junkBytes(32, 1)),
  type: 'public-key',
  response: { clientDataJSON: '!!!not*base64url', authenticatorData: b64(junkBytes(37, 2)), signature: b64(junkBytes(70, 3)), userHandle: b64(junkBytes(16, 4)) },
  clientExtensionResults: {},
};
const junkAttestation = {
  id: b64(junkBytes(32, 5)),
  rawId: b64(junkBytes(32, 5)),
  type: 'public-key',
  response: { clientDataJSON: b64('{"type":"webauthn.create"'), attestationObject: b64(junkBytes(200, 6)), transports: ['internal', WEIRD] },
  clientExtensionResults: { credProps: { rk: 'yes' } },
};

/** Raw bodies: each is sent as application/json exactly as written. */
const RAW_BODIES: Array<[string, string]> = [
  ['empty', ''],
  ['null', 'null'],
  ['array', '[]'],
  ['string', '"string"'],
  ['number', '123'],
  ['true', 'true'],
  ['truncated', '{"processId":'],
  ['NaN', '{"processId": NaN}'],
  ['deep arrays', `${'['.repeat(3000)}${']'.repeat(3000)}`],
  ['deep objects', `${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`],
  ['__proto__', '{"__proto__":{"x":1}}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"x":1}}}'],
  ['nested __proto__', '{"connectToken":"ctk1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","clientInfo":{"__proto__":{"isAdmin":true}}}'],
  ['duplicate keys', '{"processId":"a","processId":{"x":1},"identifier":"a","identifier":"b"}'],
  ['lone surrogate', '{"identifier":"\\ud800","processId":"\\udfff","connectToken":"\\ud800","signedPasskeyData":"\\ud800"}'],
  ['utf8 BOM', '\ufeff{}'],
];

/** Structured bodies that reach the routes' validation and, where shaped right, their logic. */
function jsonBodies(longString: string): Array<[string, unknown]> {
  const everyField = (value: unknown) => ({
    processId: value,
    identifier: value,
    connectToken: value,
    passkeyId: value,
    signedPasskeyData: value,
    username: value,
    type: value,
    data: value,
    assertionResponse: value,
    attestationResponse: value,
    isConditionalUI: value,
    clientInfo: value,
  });
  return [
    ['{}', {}],
    ['nested junk', { a: { b: { c: [1, { d: null, e: [[[]]] }] } }, processId: { x: 1 }, connectToken: [1, 2], identifier: {}, data: [] }],
    ['every field null', everyField(null)],
    ['every field an object', everyField({ $ne: null })],
    ['every field an array', everyField(['a', 'b'])],
    ['every field a number', everyField(1e308)],
    ['every field weird unicode', everyField(WEIRD)],
    ['every field a long string', everyField(longString)],
    ['every field ../../etc', everyField('../../etc/passwd')],
    [
      'plausible shapes with junk inside',
      {
        processId: 'A'.repeat(20),
        identifier: WEIRD,
        connectToken: `ctk1_${'a'.repeat(30)}`,
        passkeyId: `cre-${'1'.repeat(19)}`,
        signedPasskeyData: `${b64('{"alg":"RS256","kid":"pki-1234567890123456789","typ":"JWT"}')}.${b64('{}')}.${b64(junkBytes(256, 7))}`,
        username: WEIRD,
        type: 'passkey-list',
        data: { identifier: WEIRD, displayName: WEIRD },
        assertionResponse: junkAssertion,
        attestationResponse: junkAttestation,
        isConditionalUI: true,
        clientInfo: { userAgent: WEIRD, nested: { deeper: [WEIRD] } },
      },
    ],
    ['junk assertion, conditional', { processId: 'B'.repeat(20), assertionResponse: { ...junkAssertion, response: { ...junkAssertion.response, userHandle: null } }, isConditionalUI: false }],
    ['junk attestation', { processId: 'C'.repeat(20), attestationResponse: junkAttestation }],
    ['alg none token', { signedPasskeyData: `${b64('{"alg":"none","typ":"JWT"}')}.${b64('{"sub":"usr-1"}')}.`, username: '' }],
    ['a connect token of every type', { type: 'passkey-append', data: { identifier: `fuzz-${WEIRD}`, displayName: longString.slice(0, 256) } }],
  ];
}

const PATH_PARAMS = [
  'x',
  '..%2F..%2Fetc%2Fpasswd',
  '../../etc',
  '%00',
  '%2500',
  // Over the schemas' 64 characters, under the router's 100 (longer ids: see the framework-error test).
  'x'.repeat(90),
  'usr-1234567890123456789',
  'cre-12345678901234567890',
  'ctk-1234567890123456789',
  'pro-1234567890123456789',
  '%F0%9F%98%80%E2%80%AE',
  "usr-1'%20OR%20'1'%3D'1",
  '%20',
  '.',
  '__proto__',
  'constructor',
];

const QUERIES = [
  '',
  '?identifier=',
  `?identifier=${'i'.repeat(300)}`,
  '?identifier=%00%E2%80%AE',
  '?identifier=a&identifier=b',
  '?identifier[a]=b',
  '?identifier=__proto__&__proto__[x]=1',
  '?cursor=junk',
  `?cursor=${'c'.repeat(500)}`,
  '?cursor=%00',
  `?cursor=${b64('e-1')}`,
  `?cursor=${b64('e99999999999999999999')}`,
  '?cursor=usr-',
  '?limit=0',
  '?limit=-1',
  '?limit=1e9',
  '?limit=abc',
  '?limit=2.5',
  '?userID=%00',
  `?userID=${'u'.repeat(500)}`,
  '?identifier=a&limit=1&cursor=usr-1234567890123456789&userID=usr-1',
];

function fill(path: string, a: string, b = a): string {
  return path.replace('{a}', a).replace('{b}', b);
}

async function send(route: Route, path: string, init: { raw?: string; body?: unknown; contentType?: string } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (route.api === 'frontend') {
    headers['x-project-id'] = server.main.project.id;
    headers.origin = ORIGIN;
  }
  if (route.api === 'backend') headers.authorization = basic(server.main);
  if (init.raw !== undefined || init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  return server.request(route.method, path, { headers, ...(init.raw !== undefined ? { raw: init.raw } : {}), ...(init.body !== undefined ? { body: init.body } : {}) });
}

describe('robustness fuzz: hostile input never gets a 5xx, always the error shape', () => {
  // Long enough to be hostile, short enough to stay inside the 64 KiB body limit with 12 copies.
  const longString = 'L'.repeat(4000) + WEIRD;

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s', async (_name, route) => {
    const problems: string[] = [];
    const check = (label: string, answer: HttpAnswer) => {
      const problem = problemWith(`${route.method} ${label}`, answer);
      if (problem) problems.push(problem);
    };
    const paths = route.path.includes('{') ? PATH_PARAMS.map((p) => fill(route.path, p)) : [route.path];
    // The valid-looking path with every hostile second parameter, too.
    if (route.path.includes('{b}')) for (const p of PATH_PARAMS) paths.push(fill(route.path, 'usr-1234567890123456789', p));

    for (const path of paths) {
      if (route.method === 'GET') {
        for (const query of QUERIES) check(`${path}${query}`, await send(route, `${path}${query}`));
      } else {
        check(`${path} (no body)`, await send(route, path));
        for (const [label, raw] of RAW_BODIES) check(`${path} raw ${label}`, await send(route, path, { raw }));
        for (const [label, body] of jsonBodies(longString)) check(`${path} ${label}`, await send(route, path, { body }));
        check(`${path} text/plain`, await send(route, path, { raw: 'hello', contentType: 'text/plain' }));
        check(`${path} multipart`, await send(route, path, { raw: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' }));
        check(`${path} json with charset`, await send(route, path, { raw: '{}', contentType: 'application/json; charset=utf-16' }));
      }
    }
    // Hostile credentials and project headers.
    for (const authorization of ['Basic', 'Basic !!!', `Basic ${'A'.repeat(8000)}`, `Basic ${Buffer.from('nocolon').toString('base64')}`, `Basic ${Buffer.from(`${'p'.repeat(500)}:${'s'.repeat(5000)}`).toString('base64')}`, `Basic ${Buffer.from('\u0000:\u0000').toString('base64')}`]) {
      check(`${route.path} authorization ${authorization.slice(0, 20)}`, await server.request(route.method, fill(route.path, 'x'), { headers: { authorization } }));
    }
    for (const projectId of ['pro-', 'x'.repeat(4000), 'pro-1234567890123456789, pro-1234567890123456789']) {
      check(`${route.path} x-project-id ${projectId.slice(0, 20)}`, await server.request(route.method, fill(route.path, 'x'), { headers: { 'x-project-id': projectId, origin: ORIGIN } }));
    }
    expect(problems).toEqual([]);
  });

  it('a malformed percent-encoding or a 500-character id in the path answers with the error shape (never a framework default body)', async () => {
    const problems: string[] = [];
    for (const route of ROUTES.filter((r) => r.path.includes('{'))) {
      for (const bad of ['%E0%A4%A', '%', '%zz', 'x'.repeat(500), `usr-${'1'.repeat(496)}`]) {
        const path = fill(route.path, bad);
        const answer = await send(route, path);
        const problem = problemWith(`${route.method} ${path}`, answer);
        if (problem) problems.push(problem);
        else expect([400, 404, 414]).toContain(answer.status);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('robustness fuzz: garbage WebAuthn responses inside real processes reach verification and are refused cleanly', () => {
  const loginAuthenticator = new SoftAuthenticator();
  const identifier = 'fuzz-login@example.com';
  beforeAll(async () => {
    expectStatus(await appendPasskey(server.main, loginAuthenticator, identifier), 200);
  });

  type AssertionTweak = (r: ReturnType<SoftAuthenticator['getAssertion']>) => unknown;
  const assertionTweaks: Array<[string, AssertionTweak, number[]]> = [
    ['clientDataJSON not base64url', (r) => ({ ...r, response: { ...r.response, clientDataJSON: '***%%%' } }), [400]],
    ['clientDataJSON not JSON', (r) => ({ ...r, response: { ...r.response, clientDataJSON: b64('hello, world') } }), [400]],
    ['clientDataJSON JSON null', (r) => ({ ...r, response: { ...r.response, clientDataJSON: b64('null') } }), [400]],
    ['clientDataJSON JSON array', (r) => ({ ...r, response: { ...r.response, clientDataJSON: b64('[1,2]') } }), [400]],
    ['clientDataJSON wrong member types', (r) => ({ ...r, response: { ...r.response, clientDataJSON: b64('{"type":1,"challenge":{},"origin":[]}') } }), [400]],
    ['clientDataJSON empty', (r) => ({ ...r, response: { ...r.response, clientDataJSON: '' } }), [400]],
    ['authenticatorData random bytes', (r) => ({ ...r, response: { ...r.response, authenticatorData: b64(junkBytes(37, 11)) } }), [422]],
    ['authenticatorData truncated', (r) => ({ ...r, response: { ...r.response, authenticatorData: b64(Buffer.from(r.response.authenticatorData, 'base64url').subarray(0, 10)) } }), [422]],
    ['authenticatorData empty', (r) => ({ ...r, response: { ...r.response, authenticatorData: '' } }), [422]],
    ['authenticatorData huge', (r) => ({ ...r, response: { ...r.response, authenticatorData: b64(junkBytes(12000, 12)) } }), [422]],
    ['signature random bytes', (r) => ({ ...r, response: { ...r.response, signature: b64(junkBytes(72, 13)) } }), [422]],
    ['signature empty', (r) => ({ ...r, response: { ...r.response, signature: '' } }), [422]],
    ['signature DER junk', (r) => ({ ...r, response: { ...r.response, signature: b64(Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])) } }), [422]],
    ['userHandle random bytes', (r) => ({ ...r, response: { ...r.response, userHandle: b64(junkBytes(64, 14)) } }), [422]],
    ['unknown credential id', (r) => ({ ...r, id: b64(junkBytes(32, 15)), rawId: b64(junkBytes(32, 15)) }), [422]],
    ['id not base64url', (r) => ({ ...r, id: '!!!', rawId: '!!!' }), [400]],
    ['id and rawId differ', (r) => ({ ...r, rawId: b64(junkBytes(32, 16)) }), [422]],
    // WEIRD holds a NUL character: refused before verification (400); without it, extension results are not ours to judge.
    ['extension results junk', (r) => ({ ...r, clientExtensionResults: { appid: 'yes', largeBlob: { blob: WEIRD } } }), [400]],
    ['extension results junk without NUL', (r) => ({ ...r, clientExtensionResults: { appid: 'yes', largeBlob: { blob: WEIRD.slice(1) } } }), [200, 422]],
  ];

  it.each(assertionTweaks)('login/finish (identifier-first), %s', async (_label, tweak, statuses) => {
    const started = await startLogin(server.main, identifier);
    const response = tweak(loginAuthenticator.getAssertion(started.options, { origin: ORIGIN }));
    const answer = await server.main.frontend('/login/finish', { processId: started.processId, assertionResponse: response, isConditionalUI: false });
    expect(statuses).toContain(answer.status);
    if (answer.status !== 200) expectErrorShape(answer);
  });

  it.each(assertionTweaks)('login/finish (conditional UI), %s', async (_label, tweak, statuses) => {
    const init = await server.main.frontend('/login/init', {});
    expectStatus(init, 200);
    const response = tweak(loginAuthenticator.getAssertion(init.body.conditionalUIChallenge, { origin: ORIGIN }));
    const answer = await server.main.frontend('/login/finish', { processId: init.body.processId, assertionResponse: response, isConditionalUI: true });
    expect(statuses).toContain(answer.status);
    if (answer.status !== 200) expectErrorShape(answer);
  });

  type AttestationTweak = (r: ReturnType<SoftAuthenticator['createCredential']>) => unknown;
  const attestationTweaks: Array<[string, AttestationTweak, number[]]> = [
    ['clientDataJSON not base64url', (r) => ({ ...r, response: { ...r.response, clientDataJSON: '***%%%' } }), [400]],
    ['clientDataJSON not JSON', (r) => ({ ...r, response: { ...r.response, clientDataJSON: b64('<xml/>') } }), [400]],
    ['attestationObject random bytes', (r) => ({ ...r, response: { ...r.response, attestationObject: b64(junkBytes(300, 21)) } }), [422]],
    ['attestationObject empty', (r) => ({ ...r, response: { ...r.response, attestationObject: '' } }), [422]],
    ['attestationObject a CBOR string', (r) => ({ ...r, response: { ...r.response, attestationObject: b64(Buffer.from(encodeCBOR('hello'))) } }), [422]],
    [
      'attestationObject with junk authData',
      (r) => ({ ...r, response: { ...r.response, attestationObject: b64(Buffer.from(encodeCBOR(new Map<string, any>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(junkBytes(80, 22))]])))) } }),
      [422],
    ],
    [
      'attestationObject with an unknown fmt',
      (r) => ({ ...r, response: { ...r.response, attestationObject: b64(Buffer.from(encodeCBOR(new Map<string, any>([['fmt', 'x-evil'], ['attStmt', new Map()], ['authData', new Uint8Array(32)]])))) } }),
      [422],
    ],
    [
      'packed attestation with a junk signature',
      (r) => {
        const authData = Buffer.from(r.response.authenticatorData ?? '', 'base64url');
        const cbor = encodeCBOR(new Map<string, any>([['fmt', 'packed'], ['attStmt', new Map<string, any>([['alg', -7], ['sig', new Uint8Array(junkBytes(70, 23))]])], ['authData', new Uint8Array(authData)]]));
        return { ...r, response: { ...r.response, attestationObject: b64(Buffer.from(cbor)) } };
      },
      [422],
    ],
    // WEIRD is longer than a transport may be (32): refused by the schema.
    ['transports junk', (r) => ({ ...r, response: { ...r.response, transports: [WEIRD, '', 'x'.repeat(32)] } }), [400]],
    ['transports unknown but short', (r) => ({ ...r, response: { ...r.response, transports: ['', 'x'.repeat(32), 'usb'] } }), [200, 422]],
    ['publicKeyAlgorithm junk', (r) => ({ ...r, response: { ...r.response, publicKeyAlgorithm: -999999, publicKey: b64(junkBytes(10, 24)) } }), [200, 422]],
    ['id and rawId differ', (r) => ({ ...r, rawId: b64(junkBytes(32, 26)) }), [422]],
    // Accepted or refused, but never stored under the id the client claims instead of the attested one.
    ['id not matching the attested credential', (r) => ({ ...r, id: b64(junkBytes(32, 25)), rawId: b64(junkBytes(32, 25)) }), [200, 422]],
  ];

  it.each(attestationTweaks)('append/finish, %s', async (label, tweak, statuses) => {
    const started = await startAppend(server.main, `fuzz-append-${label.replace(/\W+/g, '-')}@example.com`);
    const authenticator = new SoftAuthenticator();
    const response = tweak(authenticator.createCredential(started.options, { origin: ORIGIN }));
    const answer = await server.main.frontend('/append/finish', { processId: started.processId, attestationResponse: response });
    expect(statuses).toContain(answer.status);
    if (answer.status !== 200) expectErrorShape(answer);
    else expect(answer.body.passkey.credentialId).toBe(authenticator.credentials[0]!.id);
  });

  it('verifySignedData with tampered real tokens: 200 invalidSignature, never an error', async () => {
    const authenticator = new SoftAuthenticator();
    const token = await signedPasskeyData(server.main, authenticator, 'fuzz-verify@example.com');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const variants = [
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.extra`,
      `${header}.${b64(JSON.stringify({ ...claims, sub: 'usr-1111111111111111111' }))}.${signature}`,
      `${b64('{"alg":"HS256","kid":"' + String(JSON.parse(Buffer.from(header, 'base64url').toString()).kid) + '","typ":"JWT"}')}.${payload}.${signature}`,
      `${b64('{"alg":"RS256","kid":"../../etc/passwd","typ":"JWT"}')}.${payload}.${signature}`,
      `${b64('{"alg":"RS256","kid":{"$ne":null},"typ":"JWT"}')}.${payload}.${signature}`,
      `${header}.${b64('null')}.${signature}`,
      `${header}.${payload}.${b64(junkBytes(256, 31))}`,
      `${header}.!!!.${signature}`,
      '...',
      WEIRD.slice(1),
      'x'.repeat(16000),
    ];
    for (const variant of variants) {
      const answer = await verify(server.main, variant);
      expect([variant.slice(0, 40), answer.status, answer.body]).toEqual([variant.slice(0, 40), 200, { verificationResult: 'invalidSignature', userID: '', username: '' }]);
    }
    // A NUL character is refused before any check, as in every body.
    expectError(await verify(server.main, WEIRD), 400, 'invalid_request');
    // None of that spent the genuine token.
    expect((await verify(server.main, token)).body.verificationResult).toBe('success');
  });

  it('connect tokens with junk inside the plausible shape: clean 4xx', async () => {
    const secret = await connectToken(server.main, 'passkey-append', 'fuzz-token@example.com');
    for (const connectToken of [secret.toLowerCase(), `${secret} `, secret.slice(0, -1), `${secret}A`, secret.replace('ctk1_', 'ctk2_')]) {
      const answer = await server.main.frontend('/append/init', { connectToken });
      expectError(answer, 401, 'connect_token_invalid');
    }
    expectError(await server.main.frontend('/append/init', { connectToken: `\u0000${secret}` }), 400, 'invalid_request');
  });
});

describe('origin-check (the page reads why it was refused)', () => {
  const check = (projectId: string, origin: string | null) =>
    server.request('GET', `/v2/projects/${projectId}/origin-check`, { headers: origin === null ? {} : { origin } });

  it('a project origin: 200 allowed, readable by that origin', async () => {
    const answer = await check(server.main.project.id, ORIGIN);
    expectStatus(answer, 200);
    expect(answer.body).toEqual({ origin: ORIGIN, allowed: true });
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('another origin: 403 origin_not_allowed readable by exactly that origin, naming it and the command, never the project\'s origins', async () => {
    for (const origin of ['https://evil.example', 'https://app.second.test']) {
      const answer = await check(server.main.project.id, origin);
      expectError(answer, 403, 'origin_not_allowed');
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('vary') ?? '').toMatch(/origin/i);
      expect(answer.body.error.message).toContain(`origin ${origin} is not an allowed origin of project ${server.main.project.id}`);
      expect(answer.body.error.message).toContain(`latchkey project update ${server.main.project.id} --add-origin ${origin}`);
      expect(answer.body.error.message).not.toContain(ORIGIN);
    }
  });

  it('an unknown project: 404 project_not_found, readable; no Origin: 400 origin_missing', async () => {
    const unknown = await check('pro-1234567890123456789', 'https://evil.example');
    expectError(unknown, 404, 'project_not_found');
    expect(unknown.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expectError(await check(server.main.project.id, null), 400, 'origin_missing');
  });
});
