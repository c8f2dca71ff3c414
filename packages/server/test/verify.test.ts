import { randomBytes } from 'node:crypto';
import { generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiSecret } from '../src/secrets/create-api-secret.js';
import { revokeApiSecret } from '../src/secrets/manage-api-secrets.js';
import { claimsOf, expectStatus, tokenFor, verify } from './helpers/ceremonies.js';
import { errorLogs, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

type PasskeyEvent = { type: string; userID: string | null; credentialID: string | null; processId: string | null; detail: any };

/** A fresh, genuine signedPasskeyData for `identifier` (one authenticator per identifier and project). */
const token = (identifier: string, p: TestProject = server.main) => tokenFor(p, identifier);

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const userEvents = async (userId: string) => (await server.main.backend('GET', `/passkeyEvents?userID=${userId}&limit=500`)).body.passkeyEvents as PasskeyEvent[];

async function lastEvent(): Promise<PasskeyEvent> {
  let cursor: string | null = null;
  let last: PasskeyEvent | undefined;
  for (;;) {
    const page: any = await server.main.backend('GET', `/passkeyEvents?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expectStatus(page, 200);
    if (page.body.passkeyEvents.length === 0) return last!;
    last = page.body.passkeyEvents.at(-1);
    cursor = page.body.nextCursor;
  }
}

/** The project's signing key as stored: read from the store only to craft test tokens with precise headers and claims. */
async function signingKey(projectId: string): Promise<{ kid: string; pem: string; privateKey: CryptoKey }> {
  const row = await server.ctx.store.db.selectFrom('signing_keys').selectAll().where('project_id', '=', projectId).where('rotated_at', 'is', null).executeTakeFirstOrThrow();
  expect(row.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  return { kid: row.id, pem: row.private_key, privateKey: await importPKCS8(row.private_key, 'RS256') };
}

const jti = () => randomBytes(30).toString('base64').replace(/[^0-9A-Za-z]/g, 'x').slice(0, 30);

/** Claims like a genuine token's, with a fresh jti, so a crafted token differs from a real one only where a test says. */
async function claimsFor(identifier: string, overrides: Record<string, unknown> = {}) {
  const genuine = claimsOf(await token(identifier));
  return { ...genuine, jti: jti(), ...overrides };
}

const craft = (claims: Record<string, unknown>, header: Record<string, unknown>, key: CryptoKey | Uint8Array) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);

const refused = { userID: '', username: '' };
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('verifySignedData: success and single use', () => {
  it('answers success with the user once, then alreadyUsed with empty userID and username', async () => {
    const jwt = await token('once@example.com');
    const first = await verify(server.main, jwt);
    expectStatus(first, 200);
    expect(first.body).toEqual({ verificationResult: 'success', userID: claimsOf(jwt).sub, username: 'once@example.com' });
    expect(first.body.userID).toMatch(/^usr-\d{18,19}$/);
    const second = await verify(server.main, jwt);
    expect(second.body).toEqual({ verificationResult: 'alreadyUsed', ...refused });
    const third = await verify(server.main, jwt, 'once@example.com');
    expect(third.body).toEqual({ verificationResult: 'alreadyUsed', ...refused });
  });

  it('of 50 concurrent calls with one token exactly one gets success and 49 alreadyUsed', async () => {
    const jwt = await token('race@example.com');
    const answers = await Promise.all(Array.from({ length: 50 }, () => verify(server.main, jwt)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const results = answers.map((a) => a.body.verificationResult);
    expect(results.filter((r) => r === 'success')).toHaveLength(1);
    expect(results.filter((r) => r === 'alreadyUsed')).toHaveLength(49);
    const { sub, jti: id } = claimsOf(jwt);
    const events = await userEvents(sub);
    expect(events.filter((e) => e.type === 'token-verified')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'token-refused').map((e) => e.detail.result)).toEqual(Array(49).fill('alreadyUsed'));
    const spent = await server.ctx.store.db.selectFrom('spent_tokens').selectAll().where('jti', '=', id).execute();
    expect(spent).toHaveLength(1);
    expect(spent[0]!.expires_at).toBe(claimsOf(jwt).exp);
  });

  it('two tokens of one user are independent: spending one leaves the other good', async () => {
    const a = await token('two@example.com');
    const b = await token('two@example.com');
    expect((await verify(server.main, a)).body.verificationResult).toBe('success');
    expect((await verify(server.main, b)).body.verificationResult).toBe('success');
  });

  it('usernameMismatch when username differs, without spending the token; matching username → success', async () => {
    const jwt = await token('named@example.com');
    const wrong = await verify(server.main, jwt, 'someone-else@example.com');
    expect(wrong.body).toEqual({ verificationResult: 'usernameMismatch', ...refused });
    const wrongCase = await verify(server.main, jwt, 'Named@example.com');
    expect(wrongCase.body.verificationResult).toBe('usernameMismatch');
    const right = await verify(server.main, jwt, 'named@example.com');
    expect(right.body).toEqual({ verificationResult: 'success', userID: claimsOf(jwt).sub, username: 'named@example.com' });
  });

  it('a success writes token-verified with the jti; a refusal writes token-refused with the result', async () => {
    const jwt = await token('audit@example.com');
    const { sub, jti: id, credential, processId } = claimsOf(jwt);
    await verify(server.main, jwt, 'not-audit@example.com');
    await verify(server.main, jwt);
    await verify(server.main, jwt);
    const events = (await userEvents(sub)).filter((e) => e.type.startsWith('token-'));
    expect(events).toEqual([
      expect.objectContaining({ type: 'token-refused', userID: sub, detail: { result: 'usernameMismatch', jti: id } }),
      expect.objectContaining({ type: 'token-verified', userID: sub, credentialID: credential, processId, detail: { jti: id } }),
      expect.objectContaining({ type: 'token-refused', userID: sub, detail: { result: 'alreadyUsed', jti: id } }),
    ]);
    await verify(server.main, 'garbage');
    expect(await lastEvent()).toMatchObject({ type: 'token-refused', userID: null, detail: { result: 'invalidSignature' } });
  });
});

describe('verifySignedData: the time window, with no leeway', () => {
  it('past exp (301 s later): expired', async () => {
    const jwt = await token('late@example.com');
    server.clock.advance(301);
    try {
      expect((await verify(server.main, jwt)).body).toEqual({ verificationResult: 'expired', ...refused });
    } finally {
      server.clock.reset();
    }
  });

  it('exactly at exp: expired; one second before: success', async () => {
    const atExp = await token('exp@example.com');
    const justBefore = await token('exp@example.com');
    try {
      server.clock.setTo(claimsOf(atExp).exp);
      expect((await verify(server.main, atExp)).body.verificationResult).toBe('expired');
      server.clock.setTo(claimsOf(justBefore).exp - 1, 50);
      expect((await verify(server.main, justBefore)).body.verificationResult).toBe('success');
    } finally {
      server.clock.reset();
    }
  });

  it('before nbf (iat − 11): expired, and not spent; at nbf exactly (iat − 10): success', async () => {
    const early = await token('nbf@example.com');
    const boundary = await token('nbf@example.com');
    try {
      server.clock.setTo(claimsOf(early).iat - 11, 500);
      expect((await verify(server.main, early)).body).toEqual({ verificationResult: 'expired', ...refused });
      server.clock.setTo(claimsOf(boundary).nbf, 50);
      expect((await verify(server.main, boundary)).body.verificationResult).toBe('success');
    } finally {
      server.clock.reset();
    }
    // The early refusal did not spend the first token.
    expect((await verify(server.main, early)).body.verificationResult).toBe('success');
  });

  it('a token refused as expired (its signature held) is audited in its user’s trail with result and jti', async () => {
    const late = await token('expired-audit@example.com');
    const early = await token('expired-audit@example.com');
    try {
      server.clock.advance(400);
      expect((await verify(server.main, late)).body.verificationResult).toBe('expired');
      server.clock.setTo(claimsOf(early).nbf - 1, 500);
      expect((await verify(server.main, early)).body.verificationResult).toBe('expired');
    } finally {
      server.clock.reset();
    }
    const refusals = (await userEvents(claimsOf(late).sub)).filter((e) => e.type === 'token-refused');
    expect(refusals).toEqual([
      expect.objectContaining({ userID: claimsOf(late).sub, detail: { result: 'expired', jti: claimsOf(late).jti } }),
      expect.objectContaining({ userID: claimsOf(early).sub, detail: { result: 'expired', jti: claimsOf(early).jti } }),
    ]);
  });
});

describe('verifySignedData: invalidSignature', () => {
  const expectInvalid = async (jwt: string) => expect((await verify(server.main, jwt)).body).toEqual({ verificationResult: 'invalidSignature', ...refused });

  it('garbage, an empty string, three random segments', async () => {
    await expectInvalid('garbage');
    await expectInvalid('');
    await expectInvalid(`${randomBytes(20).toString('base64url')}.${randomBytes(40).toString('base64url')}.${randomBytes(256).toString('base64url')}`);
    await expectInvalid('a.b.c');
    await expectInvalid('..');
  });

  it('a genuine token with a changed username (signature kept)', async () => {
    const jwt = await token('tamper@example.com');
    const [h, , s] = jwt.split('.');
    const forged = `${h}.${b64json({ ...claimsOf(jwt), username: 'admin@example.com' })}.${s}`;
    await expectInvalid(forged);
    // A flipped bit in the signature is as bad.
    const sig = Buffer.from(s!, 'base64url');
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
    await expectInvalid(`${h}.${jwt.split('.')[1]}.${sig.toString('base64url')}`);
    // …and neither spent the genuine token.
    expect((await verify(server.main, jwt)).body.verificationResult).toBe('success');
  });

  it('alg none', async () => {
    const claims = await claimsFor('none@example.com');
    const { kid } = await signingKey(server.main.project.id);
    await expectInvalid(`${b64json({ alg: 'none', kid, typ: 'JWT' })}.${b64json(claims)}.`);
  });

  it('HS256 with the project’s real kid (key confusion)', async () => {
    const claims = await claimsFor('hs256@example.com');
    const { kid } = await signingKey(server.main.project.id);
    const jwkSet = (await server.request('GET', `/v2/projects/${server.main.project.id}/.well-known/jwks.json`)).body;
    // Try both a random secret and the public key's own bytes as the HMAC secret.
    await expectInvalid(await craft(claims, { alg: 'HS256', kid, typ: 'JWT' }, randomBytes(32)));
    await expectInvalid(await craft(claims, { alg: 'HS256', kid, typ: 'JWT' }, new TextEncoder().encode(JSON.stringify(jwkSet.keys[0]))));
  });

  it('RS256 signed by a fresh RSA key under the project’s real kid, with otherwise valid claims', async () => {
    const claims = await claimsFor('fresh-key@example.com');
    const { kid } = await signingKey(server.main.project.id);
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    await expectInvalid(await craft(claims, { alg: 'RS256', kid, typ: 'JWT' }, privateKey));
  });

  it('an unknown kid, a malformed kid, no kid', async () => {
    const claims = await claimsFor('kid@example.com');
    const { privateKey } = await signingKey(server.main.project.id);
    await expectInvalid(await craft(claims, { alg: 'RS256', kid: 'pki-0000000000000000000', typ: 'JWT' }, privateKey));
    await expectInvalid(await craft(claims, { alg: 'RS256', kid: "pki-1' OR '1'='1", typ: 'JWT' }, privateKey));
    await expectInvalid(await craft(claims, { alg: 'RS256', typ: 'JWT' }, privateKey));
  });

  it('the project’s own key, but the header is not exactly {alg, kid, typ: JWT}', async () => {
    const { kid, pem, privateKey } = await signingKey(server.main.project.id);
    // Control: the crafting itself yields tokens the server accepts.
    expect((await verify(server.main, await craft(await claimsFor('header@example.com'), { alg: 'RS256', kid, typ: 'JWT' }, privateKey))).body.verificationResult).toBe('success');
    await expectInvalid(await craft(await claimsFor('header@example.com'), { alg: 'RS256', kid }, privateKey));
    await expectInvalid(await craft(await claimsFor('header@example.com'), { alg: 'RS256', kid, typ: 'at+jwt' }, privateKey));
    await expectInvalid(await craft(await claimsFor('header@example.com'), { alg: 'PS256', kid, typ: 'JWT' }, await importPKCS8(pem, 'PS256')));
  });

  it('the project’s own key, but a required claim is missing or mistyped', async () => {
    const { kid, privateKey } = await signingKey(server.main.project.id);
    const header = { alg: 'RS256', kid, typ: 'JWT' };
    const { webauthnId: _w, ...noWebauthnId } = await claimsFor('claims@example.com');
    await expectInvalid(await craft(noWebauthnId, header, privateKey));
    const { jti: _j, ...noJti } = await claimsFor('claims@example.com');
    await expectInvalid(await craft(noJti, header, privateKey));
    await expectInvalid(await craft(await claimsFor('claims@example.com', { isCUI: 'false' }), header, privateKey));
    await expectInvalid(await craft(await claimsFor('claims@example.com', { jti: 'short' }), header, privateKey));
  });

  it('a token signed with another project’s key but claiming this project as iss', async () => {
    const other = await server.addProject({ name: 'Other app (forger)' });
    const { kid, privateKey } = await signingKey(other.project.id);
    const claims = await claimsFor('cross-forge@example.com', { iss: server.main.project.id });
    await expectInvalid(await craft(claims, { alg: 'RS256', kid, typ: 'JWT' }, privateKey));
  });

  it('an oversized but schema-valid token (9000 chars) is invalidSignature, not an error', async () => {
    await expectInvalid('a'.repeat(9000));
  });
});

describe('verifySignedData: malformed claims and encodings are invalidSignature, never a 500', () => {
  const expectInvalid = async (jwt: string) => {
    const answer = await verify(server.main, jwt);
    expectStatus(answer, 200);
    expect(answer.body).toEqual({ verificationResult: 'invalidSignature', ...refused });
  };
  const ownKey = async () => {
    const { kid, privateKey } = await signingKey(server.main.project.id);
    return { header: { alg: 'RS256', kid, typ: 'JWT' }, privateKey };
  };

  it('exp, iat or nbf as a float, within the token’s lifetime', async () => {
    const { header, privateKey } = await ownKey();
    const base = await claimsFor('float@example.com');
    await expectInvalid(await craft({ ...base, exp: base.exp - 0.5 }, header, privateKey));
    await expectInvalid(await craft({ ...base, iat: base.iat + 0.5, nbf: base.nbf + 0.5 }, header, privateKey));
    await expectInvalid(await craft({ ...base, exp: String(base.exp) }, header, privateKey));
  });

  it('a float exp that is also past is malformed, not expired', async () => {
    const { header, privateKey } = await ownKey();
    const base = await claimsFor('float-past@example.com');
    await expectInvalid(await craft({ ...base, exp: base.iat - 100.5 }, header, privateKey));
  });

  it('a huge exp (1e20, 2^63, 1e308) or a negative one', async () => {
    const { header, privateKey } = await ownKey();
    const base = await claimsFor('huge@example.com');
    for (const exp of [1e20, 2 ** 63, 1e308, Number.MAX_SAFE_INTEGER + 2, -1]) {
      await expectInvalid(await craft({ ...base, exp }, header, privateKey));
    }
  });

  it('a token without nbf is malformed, not expired; nbf as a string too', async () => {
    const { header, privateKey } = await ownKey();
    const { nbf, ...noNbf } = await claimsFor('no-nbf@example.com');
    await expectInvalid(await craft(noNbf, header, privateKey));
    await expectInvalid(await craft({ ...noNbf, nbf: String(nbf) }, header, privateKey));
  });

  it('only the canonical compact encoding is accepted: padding, whitespace, standard base64 or stray bits are refused, and the genuine token still verifies after', async () => {
    const jwt = await token('encoding@example.com');
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const signature = Buffer.from(s, 'base64url');
    // A 2048-bit RSA signature is 256 bytes: base64 would pad it with '=='.
    expect(signature.length % 3).not.toBe(0);
    const standard = signature.toString('base64');
    const variants = [
      `${h}.${p}.${s}==`,
      `${h}.${p}.${s}=`,
      `${h}.${p}.${standard}`,
      `${h}.${p}.${standard.replace(/=+$/, '')}`,
      `${h}.${p}.${s.slice(0, 100)} ${s.slice(100)}`,
      `${h}.${p}.${s.slice(0, 100)}\n${s.slice(100)}`,
      ` ${jwt}`,
      `${jwt} `,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}.`,
      // The last character of a 256-byte signature carries 4 unused bits: set one (decoders drop it).
      `${h}.${p}.${s.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(s.at(-1)!) | 1]}`,
    ];
    for (const variant of variants) await expectInvalid(variant);
    expect((await verify(server.main, jwt)).body.verificationResult).toBe('success');
  });

  it('a token whose signature segment contains - or _ re-spelled with + and / is refused (crafted until it has them)', async () => {
    const { header, privateKey } = await ownKey();
    for (let attempt = 0; attempt < 20; attempt++) {
      const jwt = await craft(await claimsFor('alphabet@example.com'), header, privateKey);
      const [h, p, s] = jwt.split('.') as [string, string, string];
      if (!/[-_]/.test(s)) continue;
      await expectInvalid(`${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}`);
      expect((await verify(server.main, jwt)).body.verificationResult).toBe('success');
      return;
    }
    throw new Error('20 signatures without - or _: impossible in practice');
  });
});

describe('verifySignedData: projectMismatch', () => {
  it('a genuine token of a second project, verified with the main project’s credentials', async () => {
    const other = await server.addProject({ name: 'Second app' });
    const foreign = await token('foreign@example.com', other);
    expect((await verify(server.main, foreign)).body).toEqual({ verificationResult: 'projectMismatch', ...refused });
    // Not spent: its own project still accepts it.
    expect((await verify(other, foreign)).body).toEqual({ verificationResult: 'success', userID: claimsOf(foreign).sub, username: 'foreign@example.com' });
    // Even spent, it is still another project's token to the main project.
    expect((await verify(server.main, foreign)).body.verificationResult).toBe('projectMismatch');
  });

  it('an expired foreign token is still projectMismatch', async () => {
    const other = await server.addProject({ name: 'Third app' });
    const foreign = await token('foreign-late@example.com', other);
    server.clock.advance(3600);
    try {
      expect((await verify(server.main, foreign)).body.verificationResult).toBe('projectMismatch');
      expect((await verify(other, foreign)).body.verificationResult).toBe('expired');
    } finally {
      server.clock.reset();
    }
  });
});

describe('verifySignedData: authentication', () => {
  const path = '/v2/passkey/verifySignedData';
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  function expectRefused(answer: { status: number; body: any; headers: Headers }) {
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'invalid_credentials', message: expect.any(String), requestId: expect.any(String) });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  }

  it('a wrong secret: 401 invalid_credentials with WWW-Authenticate', async () => {
    expectRefused(await verify(server.main, 'x', undefined, 'latchkey1_wrongwrongwrongwrongwrongwrongwrongwron'));
  });

  it('no Authorization header, a Bearer header, a header without a colon: 401', async () => {
    expectRefused(await server.request('POST', path, { body: { signedPasskeyData: 'x' } }));
    expectRefused(await server.request('POST', path, { body: { signedPasskeyData: 'x' }, headers: { authorization: `Bearer ${server.main.secret}` } }));
    expectRefused(await server.request('POST', path, { body: { signedPasskeyData: 'x' }, headers: { authorization: `Basic ${Buffer.from(server.main.project.id).toString('base64')}` } }));
  });

  it('an unknown project id with a real secret, or another project’s secret: 401', async () => {
    expectRefused(await server.main.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: 'x' }, { projectId: 'pro-1000000000000000000' }));
    const other = await server.addProject({ name: 'Auth other' });
    expectRefused(await server.request('POST', path, { body: { signedPasskeyData: 'x' }, headers: { authorization: basic(server.main.project.id, other.secret) } }));
  });

  it('a revoked secret is refused at once while the project’s other secret still works', async () => {
    const second = await createApiSecret(server.ctx, server.main.project.id);
    expect((await verify(server.main, 'x', undefined, second.secret)).body.verificationResult).toBe('invalidSignature');
    await revokeApiSecret(server.ctx, server.main.project.id, second.id);
    expectRefused(await verify(server.main, 'x', undefined, second.secret));
    expect((await verify(server.main, 'x')).body.verificationResult).toBe('invalidSignature');
    const jwt = await token('after-revoke@example.com');
    expect((await verify(server.main, jwt)).body.verificationResult).toBe('success');
  });
});

describe('verifySignedData: malformed requests', () => {
  it('no signedPasskeyData: 400 invalid_request', async () => {
    const answer = await server.main.backend('POST', '/passkey/verifySignedData', {});
    expect([answer.status, answer.body.error?.code]).toEqual([400, 'invalid_request']);
    const onlyUser = await server.main.backend('POST', '/passkey/verifySignedData', { username: 'x@example.com' });
    expect([onlyUser.status, onlyUser.body.error?.code]).toEqual([400, 'invalid_request']);
  });

  it('signedPasskeyData over 16384 characters: 400 invalid_request', async () => {
    const answer = await verify(server.main, 'a'.repeat(16385));
    expect([answer.status, answer.body.error?.code]).toEqual([400, 'invalid_request']);
    expect(answer.body.error.requestId).toEqual(expect.any(String));
  });

  it('a body that is not JSON: 400', async () => {
    const answer = await server.request('POST', '/v2/passkey/verifySignedData', {
      raw: '{"signedPasskeyData":',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.main.project.id}:${server.main.secret}`).toString('base64')}` },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toEqual(expect.stringMatching(/^invalid_/));
  });
});

