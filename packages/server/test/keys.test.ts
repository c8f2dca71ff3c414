import { randomBytes } from 'node:crypto';
import { compactDecrypt, createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, exportJWK, importPKCS8, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSigningKeys, rotateSigningKey } from '../src/keys/signing-keys.js';
import { SoftAuthenticator } from '@latchkey/testkit';
import { claimsOf, expectStatus, signedPasskeyData, tokenFor, verify } from './helpers/ceremonies.js';
import { errorLogs, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const jwksPath = (projectId: string) => `/v2/projects/${projectId}/.well-known/jwks.json`;
const jwks = async (p: TestProject, s: TestServer = server) => {
  const answer = await s.request<JSONWebKeySet>('GET', jwksPath(p.project.id));
  expectStatus(answer, 200);
  return answer.body;
};
const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid as string;

const token = tokenFor;

/** Bit length of a base64url big-endian unsigned integer. */
function bitLength(b64url: string): number {
  const bytes = Buffer.from(b64url, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + bytes[i]!.toString(2).length;
}

describe('the JWK Set', () => {
  it('is public, cacheable, and holds exactly the public RS256 key', async () => {
    const answer = await server.request('GET', jwksPath(server.main.project.id));
    expectStatus(answer, 200);
    expect(answer.headers.get('cache-control')).toMatch(/\bpublic\b/);
    expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    const { keys } = answer.body;
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toEqual({ kty: 'RSA', kid: expect.stringMatching(/^pki-\d{19}$/), alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB' });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(key).not.toHaveProperty(member);
    // The row's kid is the key that signs.
    const row = await server.ctx.store.db.selectFrom('signing_keys').select('id').where('project_id', '=', server.main.project.id).executeTakeFirstOrThrow();
    expect(key.kid).toBe(row.id);
  });

  it('has an RSA modulus of 2048 bits or more', async () => {
    const { keys } = await jwks(server.main);
    expect(bitLength(keys[0]!.n!)).toBeGreaterThanOrEqual(2048);
  });

  it('needs no credentials, and names an unknown project 404 project_not_found', async () => {
    const unknown = await server.request('GET', jwksPath('pro-1000000000000000000'));
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'project_not_found']);
    const malformed = await server.request('GET', jwksPath('not-a-project'));
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toEqual(expect.any(String));
  });

  it('is each project’s own', async () => {
    const other = await server.addProject({ name: 'JWKS other' });
    const [mine, theirs] = [await jwks(server.main), await jwks(other)];
    expect(mine.keys[0]!.kid).not.toBe(theirs.keys[0]!.kid);
    expect(mine.keys[0]!.n).not.toBe(theirs.keys[0]!.n);
  });

  it('verifies a signedPasskeyData with jose, from a local copy and from the URL', async () => {
    const jwt = await token(server.main, 'jose@example.com');
    const local = await jwtVerify(jwt, createLocalJWKSet(await jwks(server.main)), { algorithms: ['RS256'], issuer: server.main.project.id, typ: 'JWT' });
    expect(local.payload.username).toBe('jose@example.com');
    expect(local.protectedHeader.kid).toBe((await jwks(server.main)).keys[0]!.kid);
    const remote = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${server.url}${jwksPath(server.main.project.id)}`)), { algorithms: ['RS256'], issuer: server.main.project.id });
    expect(remote.payload.sub).toBe(claimsOf(jwt).sub);
    // A local signature check is not a verification: the Backend API still answers once.
    expect((await verify(server.main, jwt)).body.verificationResult).toBe('success');
  });

  it('does not verify another project’s token', async () => {
    const other = await server.addProject({ name: 'JWKS stranger' });
    const jwt = await token(other, 'stranger@example.com');
    await expect(jwtVerify(jwt, createLocalJWKSet(await jwks(server.main)), { algorithms: ['RS256'] })).rejects.toThrow();
  });
});

describe('key rotation', () => {
  it('keeps old tokens good, signs new ones with the new key, and publishes both until the old one retires', async () => {
    const p = await server.addProject({ name: 'Rotating app' });
    const [oldKey] = (await jwks(p)).keys;
    const before = await token(p, 'rot@example.com');
    const beforeUnused = await token(p, 'rot@example.com');
    expect(kidOf(before)).toBe(oldKey!.kid);

    // Rotate a few seconds later, so that creation times differ.
    server.clock.advance(5);
    try {
      const rotatedAt = Math.floor(server.clock.nowMs() / 1000);
      const rotation = await rotateSigningKey(server.ctx, p.project.id);
      const rotatedAtEnd = Math.floor(server.clock.nowMs() / 1000);
      expect(rotation.active).toMatch(/^pki-\d{19}$/);
      expect(rotation.active).not.toBe(oldKey!.kid);
      expect(rotation.rotated).toEqual([oldKey!.kid]);

      // A token issued before the rotation still verifies after it.
      expect((await verify(p, before)).body.verificationResult).toBe('success');
      // New tokens carry the new kid and verify.
      const after = await token(p, 'rot@example.com');
      expect(kidOf(after)).toBe(rotation.active);
      expect((await verify(p, after)).body.verificationResult).toBe('success');

      // Both keys are published, newest first; both verify with jose.
      const both = await jwks(p);
      expect(both.keys.map((k) => k.kid)).toEqual([rotation.active, oldKey!.kid]);
      expect(both.keys[1]).toEqual(oldKey);
      const set = createLocalJWKSet(both);
      await expect(jwtVerify(beforeUnused, set, { currentDate: new Date(server.clock.nowMs()) })).resolves.toBeTruthy();
      await expect(jwtVerify(after, set, { currentDate: new Date(server.clock.nowMs()) })).resolves.toBeTruthy();

      const listed = await listSigningKeys(server.ctx, p.project.id);
      expect(listed).toHaveLength(2);
      expect(listed[0]).toMatchObject({ kid: rotation.active, status: 'active', rotatedAt: null, retireAt: null });
      expect(listed[1]).toMatchObject({ kid: oldKey!.kid, status: 'rotated' });
      expect(listed[1]!.rotatedAt).toBeGreaterThanOrEqual(rotatedAt);
      expect(listed[1]!.rotatedAt).toBeLessThanOrEqual(rotatedAtEnd);
      // The 30 s rotation grace plus the longest token lifetime: no token it may have signed outlives it.
      expect(listed[1]!.retireAt).toBe(listed[1]!.rotatedAt! + 630);

      // Still published in the last second before retirement, gone at retireAt.
      const retireAt = listed[1]!.retireAt!;
      server.clock.setTo(retireAt - 1);
      expect((await jwks(p)).keys.map((k) => k.kid)).toEqual([rotation.active, oldKey!.kid]);
      expect((await listSigningKeys(server.ctx, p.project.id))[1]!.status).toBe('rotated');
      server.clock.setTo(retireAt);
      expect((await jwks(p)).keys.map((k) => k.kid)).toEqual([rotation.active]);

      // 631 s after the rotation the old key has left the JWKS and is retired.
      server.clock.reset();
      server.clock.advance(5 + 631);
      expect((await jwks(p)).keys.map((k) => k.kid)).toEqual([rotation.active]);
      const later = await listSigningKeys(server.ctx, p.project.id);
      expect(later.map((k) => [k.kid, k.status])).toEqual([
        [rotation.active, 'active'],
        [oldKey!.kid, 'retired'],
      ]);
      // A token of the retired key is expired (its exp has passed), not a forgery.
      expect((await verify(p, beforeUnused)).body.verificationResult).toBe('expired');
      // Logins go on with the active key.
      const fresh = await token(p, 'rot@example.com');
      expect(kidOf(fresh)).toBe(rotation.active);
      expect((await verify(p, fresh)).body.verificationResult).toBe('success');
    } finally {
      server.clock.reset();
    }
  });

  it('takes a leaked key’s power away: tokens it signs after its rotation (past a 30 s grace) are invalidSignature', async () => {
    const p = await server.addProject({ name: 'Leaked key' });
    const genuine = await token(p, 'leak@example.com');
    const leaked = await server.ctx.store.db.selectFrom('signing_keys').selectAll().where('id', '=', kidOf(genuine)).executeTakeFirstOrThrow();
    const leakedKey = await importPKCS8(leaked.private_key, 'RS256');
    const forge = (iat: number, lifetime = 300) =>
      new SignJWT({ ...claimsOf(genuine), jti: randomBytes(30).toString('base64').replace(/[^0-9A-Za-z]/g, 'x').slice(0, 30), iat, nbf: iat - 10, exp: iat + lifetime })
        .setProtectedHeader({ alg: 'RS256', kid: leaked.id, typ: 'JWT' })
        .sign(leakedKey);
    const now = Math.floor(Date.now() / 1000);
    // Before rotation the holder of the key can sign anything: that is what rotation is for.
    expect((await verify(p, await forge(now))).body.verificationResult).toBe('success');

    await rotateSigningKey(server.ctx, p.project.id);
    const [, old] = await listSigningKeys(server.ctx, p.project.id);
    const rotatedAt = old!.rotatedAt!;
    try {
      // A login that read the old key just before the rotation may still sign with it for a moment.
      server.clock.setTo(rotatedAt + 30);
      expect((await verify(p, await forge(rotatedAt + 30))).body.verificationResult).toBe('success');
      // Afterwards, nothing the old key signs is accepted, even while it is still in the JWKS.
      server.clock.setTo(rotatedAt + 31);
      expect((await verify(p, await forge(rotatedAt + 31))).body.verificationResult).toBe('invalidSignature');
      server.clock.setTo(rotatedAt + 3600);
      expect((await verify(p, await forge(rotatedAt + 3600))).body.verificationResult).toBe('invalidSignature');
    } finally {
      server.clock.reset();
    }
  });

  it('refuses a token that lives longer than Latchkey ever signs (exp − iat > 600 s), even with the active key', async () => {
    const p = await server.addProject({ name: 'Long-lived' });
    const genuine = await token(p, 'long@example.com');
    const active = await server.ctx.store.db.selectFrom('signing_keys').selectAll().where('id', '=', kidOf(genuine)).executeTakeFirstOrThrow();
    const key = await importPKCS8(active.private_key, 'RS256');
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ ...claimsOf(genuine), ...claims, jti: randomBytes(30).toString('base64').replace(/[^0-9A-Za-z]/g, 'x').slice(0, 30) })
        .setProtectedHeader({ alg: 'RS256', kid: active.id, typ: 'JWT' })
        .sign(key);
    const iat = Math.floor(Date.now() / 1000);
    expect((await verify(p, await sign({ iat, nbf: iat - 10, exp: iat + 600 }))).body.verificationResult).toBe('success');
    expect((await verify(p, await sign({ iat, nbf: iat - 10, exp: iat + 601 }))).body.verificationResult).toBe('invalidSignature');
    expect((await verify(p, await sign({ iat, nbf: iat - 3600, exp: iat + 300 }))).body.verificationResult).toBe('invalidSignature');
  });

  it('a rotation touches only its own project', async () => {
    const a = await server.addProject({ name: 'Rotates' });
    const b = await server.addProject({ name: 'Stays' });
    const bBefore = await jwks(b);
    const jwt = await token(b, 'untouched@example.com');
    await rotateSigningKey(server.ctx, a.project.id);
    expect(await jwks(b)).toEqual(bBefore);
    expect((await listSigningKeys(server.ctx, b.project.id)).map((k) => k.status)).toEqual(['active']);
    expect(kidOf(jwt)).toBe(bBefore.keys[0]!.kid);
    expect((await verify(b, jwt)).body.verificationResult).toBe('success');
  });

  it('lists the newest key first even when it was made in the same second as the key it replaced', async () => {
    // Find a rotation whose new key shares its predecessor's created_at second and sorts below it by kid:
    // only an order that knows which key is newer (not the kid) puts it first.
    let found: { p: TestProject; active: string; old: string } | undefined;
    for (let attempt = 0; attempt < 30 && !found; attempt++) {
      const p = await server.addProject({ name: `Same-second ${attempt}` });
      const { active, rotated } = await rotateSigningKey(server.ctx, p.project.id);
      const rows = await server.ctx.store.db.selectFrom('signing_keys').selectAll().where('project_id', '=', p.project.id).execute();
      const [newRow, oldRow] = [rows.find((r) => r.id === active)!, rows.find((r) => r.id === rotated[0])!];
      if (newRow.created_at === oldRow.created_at && active < rotated[0]!) found = { p, active, old: rotated[0]! };
    }
    expect(found, 'no same-second rotation with a smaller new kid in 30 attempts').toBeDefined();
    const { p, active, old } = found!;
    expect((await jwks(p)).keys.map((k) => k.kid)).toEqual([active, old]);
    expect((await listSigningKeys(server.ctx, p.project.id)).map((k) => [k.kid, k.status])).toEqual([
      [active, 'active'],
      [old, 'rotated'],
    ]);
    // The signing key is right regardless of the order.
    expect(kidOf(await token(p, 'same-second@example.com'))).toBe(active);
  });
});

describe('signing keys at rest', () => {
  it('are plain PKCS#8 PEM without a key encryption key', async () => {
    const rows = await server.ctx.store.db.selectFrom('signing_keys').select(['private_key', 'public_jwk']).where('project_id', '=', server.main.project.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    // The stored private key is the one behind the published public key.
    const publicJwk = await exportJWK(await importPKCS8(rows[0]!.private_key, 'RS256', { extractable: true }));
    expect(publicJwk.n).toBe(JSON.parse(rows[0]!.public_jwk).n);
  });

  it('are a JWE (dir, A256GCM) with a key encryption key, and logins and verification still work', async () => {
    const kek = new Uint8Array(randomBytes(32));
    const sealed = await startTestServer({ keyEncryptionKey: kek });
    try {
      const p = sealed.main;
      const row = await sealed.ctx.store.db.selectFrom('signing_keys').selectAll().where('project_id', '=', p.project.id).executeTakeFirstOrThrow();
      expect(row.private_key.split('.')).toHaveLength(5);
      expect(row.private_key).not.toContain('BEGIN');
      expect(row.private_key).not.toContain('PRIVATE');
      expect(JSON.parse(Buffer.from(row.private_key.split('.')[0]!, 'base64url').toString('utf8'))).toEqual({ alg: 'dir', enc: 'A256GCM' });
      // It opens with the KEK, to the key behind the published public key.
      const pem = new TextDecoder().decode((await compactDecrypt(row.private_key, kek)).plaintext);
      expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      const [published] = (await jwks(p, sealed)).keys;
      expect((await exportJWK(await importPKCS8(pem, 'RS256', { extractable: true }))).n).toBe(published!.n);
      // Another key does not open it.
      await expect(compactDecrypt(row.private_key, new Uint8Array(randomBytes(32)))).rejects.toThrow();

      const authenticator = new SoftAuthenticator();
      const jwt = await signedPasskeyData(p, authenticator, 'sealed@example.com');
      expect(kidOf(jwt)).toBe(row.id);
      expect(await jwtVerify(jwt, createLocalJWKSet(await jwks(p, sealed)))).toBeTruthy();
      expect((await verify(p, jwt)).body).toEqual({ verificationResult: 'success', userID: claimsOf(jwt).sub, username: 'sealed@example.com' });

      // A rotated-in key is sealed too, and signs.
      const { active } = await rotateSigningKey(sealed.ctx, p.project.id);
      const rotatedRow = await sealed.ctx.store.db.selectFrom('signing_keys').select('private_key').where('id', '=', active).executeTakeFirstOrThrow();
      expect(rotatedRow.private_key.split('.')).toHaveLength(5);
      const next = await signedPasskeyData(p, authenticator, 'sealed@example.com');
      expect(kidOf(next)).toBe(active);
      expect((await verify(p, next)).body.verificationResult).toBe('success');
      expect(errorLogs(sealed)).toEqual([]);
    } finally {
      await sealed.close();
    }
  });
});
