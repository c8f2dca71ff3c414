import { claimsOf, headerOf, startLatchkey, type TestLatchkey, type TestProject } from '@latchkey/test-support';
import { compactDecrypt, generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient, type VerifySignedDataResult } from '../src/index.js';
import { freshToken } from './helpers/ceremonies.js';
import { startFront } from './helpers/http-servers.js';
import { clientFor, latchkeyWithClient, VERIFY } from './helpers/latchkey.js';
import { rotateKeys } from './helpers/rotate-keys.js';

/**
 * The local JWKS pre-check: forged and malformed tokens are refused without a verify request; its
 * answer is always the one the server gives; single use stays with the server.
 */
let latchkey: TestLatchkey;
let server: LatchkeyClient;
const JWKS = (project: TestProject) => ['GET', `/v2/projects/${project.id}/.well-known/jwks.json`] as const;

beforeAll(async () => ({ latchkey, client: server } = await latchkeyWithClient()));
afterAll(() => latchkey.close());

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token with genuine-looking claims, signed by a key Latchkey never had. */
async function forge(claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header } as { alg: string }).sign(privateKey);
}

/** What a call answers: the verdict, or the error's class and code. */
const outcome = (promise: Promise<VerifySignedDataResult>) =>
  promise.then(
    (r) => r.verificationResult as string,
    (e: { name: string; code: string }) => `${e.name}:${e.code}`,
  );

/** The answer with the local check, the server's answer, and how many verify requests the local-check call made. */
async function compare(local: LatchkeyClient, token: string, username?: string) {
  const before = latchkey.count(...VERIFY);
  const withCheck = await outcome(local.verifySignedData(token, username === undefined ? {} : { username }));
  const requests = latchkey.count(...VERIFY) - before;
  const fromServer = await outcome(server.verifySignedData(token, username === undefined ? {} : { username }));
  return { withCheck, fromServer, requests };
}

describe('forged and malformed tokens', () => {
  it('are refused locally as invalidSignature, exactly as the server refuses them, with no verify request', async () => {
    const genuine = await freshToken(latchkey, 'ivy@example.com');
    const kid = headerOf(genuine).kid as string;
    const claims = claimsOf(genuine);
    const [h, p, s] = genuine.split('.') as [string, string, string];
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });

    const refusedLocally: Record<string, string> = {
      'signed by another key under the project’s kid': await forge({ ...claims, jti: 'A'.repeat(30) }, { kid }),
      'claims changed under the genuine signature': `${h}.${b64({ ...claims, sub: 'usr-1000000000000000001' })}.${s}`,
      'signature bit flipped': `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`,
      'signature cut off': `${h}.${p}.`,
      'alg none': `${b64({ alg: 'none', typ: 'JWT', kid })}.${p}.`,
      'alg HS256': `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${p}.${s}`,
      'no typ': `${b64({ alg: 'RS256', kid })}.${p}.${s}`,
      'no kid': `${b64({ alg: 'RS256', typ: 'JWT' })}.${p}.${s}`,
      'a kid no Latchkey key has': await forge(claims, { kid: 'my-key' }),
      'unknown crit header': `${b64({ alg: 'RS256', typ: 'JWT', kid, crit: ['exp'] })}.${p}.${s}`,
      'header not JSON': `${b64('{nope')}.${p}.${s}`,
      'not a JWS': 'not a token',
      'empty': '',
      'too long to be ours': `${h}.${p}.${'A'.repeat(9000)}`,
    };
    for (const [name, token] of Object.entries(refusedLocally)) {
      const { withCheck, fromServer, requests } = await compare(local, token);
      expect({ name, withCheck, fromServer, requests }).toEqual({ name, withCheck: 'invalidSignature', fromServer: 'invalidSignature', requests: 0 });
    }
    // A forged token with a username: still invalidSignature first, as on the server.
    expect(await compare(local, refusedLocally['signed by another key under the project’s kid']!, 'someone-else')).toEqual({ withCheck: 'invalidSignature', fromServer: 'invalidSignature', requests: 0 });
    // One JWKS fetch served them all.
    expect(latchkey.count(...JWKS(latchkey.project))).toBe(1);
    // None of it spent the genuine token, and the genuine token is not refused locally.
    expect(await compare(local, genuine)).toEqual({ withCheck: 'success', fromServer: 'alreadyUsed', requests: 1 });
  });
});

describe('non-canonical encodings and malformed claims', () => {
  /** The project's own private key, read from the server's store only to sign test tokens with precise claims. */
  async function ownKey() {
    const row = await latchkey.server.ctx.store.db.selectFrom('signing_keys').selectAll().where('project_id', '=', latchkey.project.id).where('rotated_at', 'is', null).executeTakeFirstOrThrow();
    // Stored sealed (a JWE) under the server's key-encryption key, or as plain PEM where none is set.
    const kek = latchkey.server.ctx.keyEncryptionKey;
    const pem = kek ? new TextDecoder().decode((await compactDecrypt(row.private_key, kek)).plaintext) : row.private_key;
    return { kid: row.id, privateKey: await importPKCS8(pem, 'RS256') };
  }
  const sign = (claims: Record<string, unknown>, kid: string, privateKey: CryptoKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  it('a genuine token re-spelled (padding, whitespace, standard base64, stray bits) is refused locally, as the server refuses it', async () => {
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });
    const genuine = await freshToken(latchkey, 'canon@example.com');
    const [h, p, s] = genuine.split('.') as [string, string, string];
    const respelled: Record<string, string> = {
      'padded signature': `${h}.${p}.${s}==`,
      'standard base64 signature': `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64')}`,
      'whitespace inside': `${h}.${p}.${s.slice(0, 50)} ${s.slice(50)}`,
      'newline at the end': `${genuine}\n`,
      'stray bits in the last character': `${h}.${p}.${s.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(s.at(-1)!) | 1]}`,
    };
    for (const [name, token] of Object.entries(respelled)) {
      const { withCheck, fromServer, requests } = await compare(local, token);
      expect({ name, withCheck, fromServer, requests }).toEqual({ name, withCheck: 'invalidSignature', fromServer: 'invalidSignature', requests: 0 });
    }
    expect(await compare(local, genuine)).toEqual({ withCheck: 'success', fromServer: 'alreadyUsed', requests: 1 });
  });

  it('the project’s own key over malformed claims (float or huge exp, no nbf) is refused locally, as the server refuses it', async () => {
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });
    const { kid, privateKey } = await ownKey();
    const claims = claimsOf(await freshToken(latchkey, 'claims@example.com'));
    const jti = (n: number) => `${'J'.repeat(29)}${n}`;
    const { nbf: _nbf, ...noNbf } = claims;
    const malformed: Record<string, string> = {
      'float exp': await sign({ ...claims, jti: jti(1), exp: claims.exp - 0.5 }, kid, privateKey),
      'huge exp': await sign({ ...claims, jti: jti(2), exp: 1e20 }, kid, privateKey),
      'float exp in the past': await sign({ ...claims, jti: jti(3), exp: claims.iat - 100.5 }, kid, privateKey),
      'no nbf': await sign({ ...noNbf, jti: jti(4) }, kid, privateKey),
    };
    for (const [name, token] of Object.entries(malformed)) {
      const { withCheck, fromServer, requests } = await compare(local, token);
      expect({ name, withCheck, fromServer, requests }).toEqual({ name, withCheck: 'invalidSignature', fromServer: 'invalidSignature', requests: 0 });
    }
    // Control: the same key over well-formed claims is the server's to judge, and it says success.
    expect(await compare(local, await sign({ ...claims, jti: jti(5) }, kid, privateKey))).toEqual({ withCheck: 'success', fromServer: 'alreadyUsed', requests: 1 });
  });
});

describe('what only the server can tell goes to the server', () => {
  it('a valid token is verified there, once: single use lives only on the server', async () => {
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });
    const token = await freshToken(latchkey, 'jay@example.com');
    const before = latchkey.count(...VERIFY);
    expect((await local.verifySignedData(token, { username: 'jay@example.com' })).verificationResult).toBe('success');
    expect((await local.verifySignedData(token)).verificationResult).toBe('alreadyUsed');
    expect(latchkey.count(...VERIFY)).toBe(before + 2);
  });

  it('a genuine token of another project: projectMismatch from the server', async () => {
    const other = await latchkey.addProject();
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });
    const token = await freshToken(latchkey, 'kim@example.com', other);
    expect(await compare(local, token)).toEqual({ withCheck: 'projectMismatch', fromServer: 'projectMismatch', requests: 1 });
  });

  it('a well-formed kid the JWKS lacks (another project’s, a retired one, a new one) is the server’s to judge', async () => {
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });
    const genuine = await freshToken(latchkey, 'lee@example.com');
    const forged = await forge(claimsOf(genuine), { kid: 'pki-1234567890123456789' });
    expect(await compare(local, forged)).toEqual({ withCheck: 'invalidSignature', fromServer: 'invalidSignature', requests: 1 });
  });

  it('a request the server would refuse as a whole gets the server’s 400, not a local verdict', async () => {
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });
    const refused = 'LatchkeyApiError:invalid_request';
    expect(await compare(local, 'x'.repeat(20_000))).toEqual({ withCheck: refused, fromServer: refused, requests: 1 });
    expect(await compare(local, 'a\u0000.b.c')).toEqual({ withCheck: refused, fromServer: refused, requests: 1 });
    expect(await compare(local, 'not a token', 'u'.repeat(300))).toEqual({ withCheck: refused, fromServer: refused, requests: 1 });
  });

  it('agrees with the server at each of its limits (token and username lengths)', async () => {
    const local = clientFor(latchkey, latchkey.project, { localJwksCheck: true });
    const genuine = await freshToken(latchkey, 'liz@example.com');
    const padded = (length: number) => `${genuine}${'A'.repeat(length - genuine.length)}`;
    const forged = await forge(claimsOf(genuine), { kid: headerOf(genuine).kid });
    const refused = 'LatchkeyApiError:invalid_request';
    const cases: Array<[string, string, string | undefined, string, number]> = [
      ['token of 8192 characters (bad signature)', padded(8192), undefined, 'invalidSignature', 0],
      ['token of 8193 characters', padded(8193), undefined, 'invalidSignature', 0],
      ['token of 16000 characters', padded(16_000), undefined, 'invalidSignature', 0],
      // The server's schema takes it, but the body passes 16 KiB: only the server knows its body limit.
      ['token of 16384 characters', padded(16_384), undefined, 'invalidSignature', 1],
      ['token of 16385 characters', padded(16_385), undefined, refused, 1],
      ['username of 256 characters', forged, 'u'.repeat(256), 'invalidSignature', 0],
      ['username of 257 characters', forged, 'u'.repeat(257), refused, 1],
      // 8000 code points, 16 000 UTF-16 units, 32 000 bytes: a verdict, but a body too big to be sure of.
      ['token of astral characters', '😀'.repeat(8000), undefined, 'invalidSignature', 1],
    ];
    for (const [name, token, username, expected, requests] of cases) {
      expect({ name, ...(await compare(local, token, username)) }).toEqual({ name, withCheck: expected, fromServer: expected, requests });
    }
    expect((await local.verifySignedData(genuine)).verificationResult).toBe('success');
  });

  it('when the JWKS cannot be fetched, every token goes to the server', async () => {
    const jwksPath = JWKS(latchkey.project)[1];
    const front = await startFront(latchkey.url, (_n, request) =>
      request.url === jwksPath ? { kind: 'answer', status: 500, headers: { 'content-type': 'text/plain' }, body: 'down' } : { kind: 'proxy' },
    );
    try {
      const local = createClient({ baseUrl: front.url, projectId: latchkey.project.id, apiSecret: latchkey.project.apiSecret, localJwksCheck: true });
      const genuine = await freshToken(latchkey, 'max@example.com');
      const forged = await forge(claimsOf(genuine), { kid: headerOf(genuine).kid });
      expect((await local.verifySignedData(forged)).verificationResult).toBe('invalidSignature');
      expect((await local.verifySignedData(genuine)).verificationResult).toBe('success');
      expect(front.count(...VERIFY)).toBe(2);
      expect(front.count('GET', jwksPath)).toBeGreaterThanOrEqual(1);
    } finally {
      await front.close();
    }
  });
});

describe('key rotation', () => {
  it('a token with a new kid makes the client fetch the JWKS again; old-key tokens still verify', async () => {
    const own = await startLatchkey();
    try {
      const local = clientFor(own, own.project, { localJwksCheck: { cooldownMs: 0 } });
      const oldKid = headerOf(await freshToken(own, 'nia@example.com')).kid;
      expect((await local.verifySignedData(await freshToken(own, 'nia@example.com'))).verificationResult).toBe('success');
      const oldKeyToken = await freshToken(own, 'nia@example.com');
      expect(own.count(...JWKS(own.project))).toBe(1);

      const { active, rotated } = await rotateKeys(own.databaseUrl, own.project.id);
      expect(rotated).toEqual([oldKid]);
      const newKeyToken = await freshToken(own, 'nia@example.com');
      expect(headerOf(newKeyToken).kid).toBe(active);

      expect((await local.verifySignedData(newKeyToken)).verificationResult).toBe('success');
      expect(own.count(...JWKS(own.project))).toBe(2);
      // The new key is now known locally: a forgery under its kid never reaches the server.
      const before = own.count(...VERIFY);
      const forged = await forge({ ...claimsOf(newKeyToken), jti: 'B'.repeat(30) }, { kid: active });
      expect((await local.verifySignedData(forged)).verificationResult).toBe('invalidSignature');
      expect(own.count(...VERIFY)).toBe(before);
      // Tokens the old key signed before the rotation are still good (the old key stays published).
      expect((await local.verifySignedData(oldKeyToken)).verificationResult).toBe('success');
    } finally {
      await own.close();
    }
  });

  it('within the refetch cooldown a new kid is never refused locally: the server judges it', async () => {
    const own = await startLatchkey();
    try {
      const local = clientFor(own, own.project, { localJwksCheck: true });
      expect((await local.verifySignedData(await freshToken(own, 'oto@example.com'))).verificationResult).toBe('success');
      const { active } = await rotateKeys(own.databaseUrl, own.project.id);
      const newKeyToken = await freshToken(own, 'oto@example.com');
      const before = own.count(...VERIFY);
      expect((await local.verifySignedData(newKeyToken)).verificationResult).toBe('success');
      const forged = await forge({ ...claimsOf(newKeyToken), jti: 'C'.repeat(30) }, { kid: active });
      expect((await local.verifySignedData(forged)).verificationResult).toBe('invalidSignature');
      expect(own.count(...VERIFY)).toBe(before + 2);
    } finally {
      await own.close();
    }
  });

  it('a token of a key that has left the JWKS is expired, as the server says, not invalidSignature', async () => {
    const own = await startLatchkey();
    try {
      const local = clientFor(own, own.project, { localJwksCheck: true });
      const oldKeyToken = await freshToken(own, 'pat@example.com');
      await rotateKeys(own.databaseUrl, own.project.id);
      own.clock.advance(700); // the old key is retired: out of the JWKS, and its tokens are past exp
      const jwks = (await (await fetch(`${own.url}${JWKS(own.project)[1]}`)).json()) as { keys: Array<{ kid: string }> };
      expect(jwks.keys.map((k) => k.kid)).not.toContain(headerOf(oldKeyToken).kid);
      const before = own.count(...VERIFY);
      expect((await local.verifySignedData(oldKeyToken)).verificationResult).toBe('expired');
      expect(own.count(...VERIFY)).toBe(before + 1);
    } finally {
      await own.close();
    }
  });
});
