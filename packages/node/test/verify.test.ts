import { claimsOf, type TestLatchkey } from '@latchkey/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatchkeyConfigError, type LatchkeyClient } from '../src/index.js';
import { freshToken } from './helpers/ceremonies.js';
import { clientFor, latchkeyWithClient, VERIFY } from './helpers/latchkey.js';

/** Every verificationResult, through the SDK, for tokens made by real passkey logins. */
let latchkey: TestLatchkey;
let client: LatchkeyClient;

beforeAll(async () => ({ latchkey, client } = await latchkeyWithClient()));
afterAll(() => latchkey.close());

describe('verifySignedData', () => {
  it('answers success once, with the user, then alreadyUsed', async () => {
    const token = await freshToken(latchkey, 'alice@example.com');
    const user = await client.users.findByIdentifier('alice@example.com');

    const first = await client.verifySignedData(token, { username: 'alice@example.com' });
    expect(first).toEqual({ verificationResult: 'success', userID: user!.userID, username: 'alice@example.com' });
    expect(first.userID).toBe(claimsOf(token).sub);

    expect(await client.verifySignedData(token)).toEqual({ verificationResult: 'alreadyUsed', userID: '', username: '' });
  });

  it('answers success without a username', async () => {
    const token = await freshToken(latchkey, 'bob@example.com');
    const result = await client.verifySignedData(token);
    expect(result.verificationResult).toBe('success');
    expect(result.username).toBe('bob@example.com');
  });

  it('answers usernameMismatch without spending the token', async () => {
    const token = await freshToken(latchkey, 'carol@example.com');
    expect(await client.verifySignedData(token, { username: 'mallory@example.com' })).toEqual({ verificationResult: 'usernameMismatch', userID: '', username: '' });
    expect((await client.verifySignedData(token, { username: 'carol@example.com' })).verificationResult).toBe('success');
  });

  it('answers invalidSignature for a tampered token', async () => {
    const token = await freshToken(latchkey, 'dave@example.com');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = { ...claimsOf(token), sub: 'usr-1000000000000000001' };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(await client.verifySignedData(forged)).toEqual({ verificationResult: 'invalidSignature', userID: '', username: '' });
    expect((await client.verifySignedData('not a token')).verificationResult).toBe('invalidSignature');
    expect((await client.verifySignedData('')).verificationResult).toBe('invalidSignature');
    // The genuine token was not spent by the forgery.
    expect((await client.verifySignedData(`${header}.${payload}.${signature}`)).verificationResult).toBe('success');
  });

  it('answers expired past exp, and before nbf (server clock moved)', async () => {
    const late = await freshToken(latchkey, 'erin@example.com');
    const { exp, iat } = claimsOf(late);
    latchkey.clock.advance(exp - iat + 1);
    try {
      expect(await client.verifySignedData(late)).toEqual({ verificationResult: 'expired', userID: '', username: '' });
    } finally {
      latchkey.clock.reset();
    }
    // Refused, so not spent: back in its window it still verifies once.
    expect((await client.verifySignedData(late)).verificationResult).toBe('success');

    const early = await freshToken(latchkey, 'erin@example.com');
    latchkey.clock.advance(-20);
    try {
      expect((await client.verifySignedData(early)).verificationResult).toBe('expired');
    } finally {
      latchkey.clock.reset();
    }
  });

  it('answers projectMismatch for a genuine token of another project', async () => {
    const other = await latchkey.addProject();
    const token = await freshToken(latchkey, 'frank@example.com', other);
    expect(await client.verifySignedData(token)).toEqual({ verificationResult: 'projectMismatch', userID: '', username: '' });
    expect((await clientFor(latchkey, other).verifySignedData(token)).verificationResult).toBe('success');
  });

  it('of concurrent verifications of one token, exactly one succeeds', async () => {
    const token = await freshToken(latchkey, 'grace@example.com');
    const results = await Promise.all(Array.from({ length: 5 }, () => client.verifySignedData(token)));
    expect(results.filter((r) => r.verificationResult === 'success')).toHaveLength(1);
    expect(results.filter((r) => r.verificationResult === 'alreadyUsed')).toHaveLength(4);
  });

  it('refuses a token or username that is not a string before any request', async () => {
    const before = latchkey.count(...VERIFY);
    await expect(client.verifySignedData(undefined as unknown as string)).rejects.toMatchObject({ name: 'LatchkeyConfigError', code: 'invalid_argument' });
    await expect(client.verifySignedData('x', { username: 42 as unknown as string })).rejects.toBeInstanceOf(LatchkeyConfigError);
    expect(latchkey.count(...VERIFY)).toBe(before);
  });
});
