import { randomBytes } from 'node:crypto';
import { generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { SoftAuthenticator } from '@latchkey/testkit';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { ORIGIN, RP_ID } from '../targets/target.js';

export interface CryptoLimit {
  /** CPU ms per operation. */
  assertionMs: number;
  signMs: number;
  verifyMs: number;
  /** What one core could do if a login were nothing but its crypto: 1000 / (assertion + sign). */
  loginsPerSec: number;
  verificationsPerSec: number;
}

const cpuMsNow = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Runs `op` over batches until `budgetMs` of CPU is spent; `prepare` makes each batch's inputs untimed. */
async function cpuMsPerOp<T>(budgetMs: number, prepare: () => Promise<T[]> | T[], op: (input: T) => Promise<unknown>): Promise<number> {
  let spent = 0;
  let ops = 0;
  while (spent < budgetMs) {
    const inputs = await prepare();
    const before = cpuMsNow();
    for (const input of inputs) await op(input);
    spent += cpuMsNow() - before;
    ops += inputs.length;
  }
  return spent / ops;
}

/**
 * The cryptographic floor of a login and a verification, in this process: SimpleWebAuthn's
 * verifyAuthenticationResponse on a real assertion from the software authenticator (the key is
 * imported from COSE on every call, as a server does), jose RS256 sign of a signedPasskeyData-shaped
 * claim set, and jose RS256 verify of such a token. CPU time per op, so the figure holds on a busy machine.
 */
export async function measureCryptoLimit(budgetMs: number): Promise<CryptoLimit> {
  const authenticator = new SoftAuthenticator();
  const options = await generateRegistrationOptions({ rpName: 'Bench', rpID: RP_ID, userName: 'crypto@example.com', attestationType: 'none' });
  const registration = await verifyRegistrationResponse({
    response: authenticator.createCredential(options, { origin: ORIGIN }),
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
  });
  const credential = registration.registrationInfo!.credential;
  let counter = 0;
  const assertions = () =>
    Array.from({ length: 40 }, () => {
      const challenge = randomBytes(32).toString('base64url');
      const response = authenticator.getAssertion({ challenge, rpId: RP_ID, allowCredentials: [{ id: credential.id, type: 'public-key' }], userVerification: 'required' }, { origin: ORIGIN });
      return { challenge, response };
    });
  const assertionMs = await cpuMsPerOp(budgetMs, assertions, async ({ challenge, response }: { challenge: string; response: AuthenticationResponseJSON }) => {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: { id: credential.id, publicKey: credential.publicKey, counter },
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error('crypto limit: a genuine assertion did not verify');
    counter = result.authenticationInfo.newCounter;
  });

  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const iat = Math.floor(Date.now() / 1000);
  const claims = () => ({
    iss: 'pro-bench', sub: 'usr-bench', exp: iat + 600, nbf: iat - 10, iat, jti: randomBytes(16).toString('base64url'), processId: 'prc-bench',
    username: 'crypto@example.com', credential: 'cred-bench', challengeId: 'chl-bench', webauthnId: 'bench', isCUI: false,
  });
  const sign = () => new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'key-bench', typ: 'JWT' }).sign(privateKey);
  const signMs = await cpuMsPerOp(budgetMs, () => Array.from({ length: 20 }, claims), (payload) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'key-bench', typ: 'JWT' }).sign(privateKey),
  );
  const verifyMs = await cpuMsPerOp(budgetMs, () => Promise.all(Array.from({ length: 100 }, sign)), (token) =>
    jwtVerify(token, publicKey, { algorithms: ['RS256'], typ: 'JWT', issuer: 'pro-bench' }),
  );
  return { assertionMs, signMs, verifyMs, loginsPerSec: 1000 / (assertionMs + signMs), verificationsPerSec: 1000 / verifyMs };
}
