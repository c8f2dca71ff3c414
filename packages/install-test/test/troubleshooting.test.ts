import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLatchkey, TEST_ORIGIN, type TestLatchkey } from '@latchkey/test-support';
import { SoftAuthenticator } from '@latchkey/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/repo.js';

/**
 * docs/troubleshooting.md quotes what Latchkey answers for the mistakes people make most. Each
 * case here makes that mistake against a real server and checks the page quotes the real code and
 * message: the page cannot drift from the server.
 */
const page = readFileSync(join(REPO_ROOT, 'docs/troubleshooting.md'), 'utf8');
const quoted = (text: string) => expect(page, `docs/troubleshooting.md should quote: ${text}`).toContain(text);

let latchkey: TestLatchkey;
beforeAll(async () => {
  latchkey = await startLatchkey();
});
afterAll(async () => {
  await latchkey?.close();
});

async function frontend(path: string, body: unknown, origin = TEST_ORIGIN): Promise<{ status: number; body: any }> {
  const response = await fetch(`${latchkey.url}/v2/connect${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, 'x-project-id': latchkey.project.id },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function appendStart(identifier: string) {
  const token = await latchkey.project.connectToken('passkey-append', identifier);
  const init = await frontend('/append/init', { connectToken: token });
  const start = await frontend('/append/start', { processId: init.body.processId });
  return { processId: init.body.processId as string, options: start.body.attestationOptions };
}

/** A passkey for `identifier`, then a fresh signedPasskeyData from a login. */
async function loginToken(identifier: string): Promise<string> {
  const authenticator = new SoftAuthenticator();
  const append = await appendStart(identifier);
  const attestationResponse = authenticator.createCredential(append.options, { origin: TEST_ORIGIN });
  expect((await frontend('/append/finish', { processId: append.processId, attestationResponse })).status).toBe(200);
  const init = await frontend('/login/init', {});
  const start = await frontend('/login/start', { processId: init.body.processId, identifier });
  const assertionResponse = authenticator.getAssertion(start.body.assertionOptions, { origin: TEST_ORIGIN });
  const finish = await frontend('/login/finish', { processId: init.body.processId, assertionResponse, isConditionalUI: false });
  return finish.body.signedPasskeyData;
}

/** The second a signedPasskeyData was signed in (its iat claim). */
const issuedAt = (token: string): number => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { iat: number }).iat;

const verify = async (token: string) => (await latchkey.project.backend('POST', '/passkey/verifySignedData', { signedPasskeyData: token })).body;

describe('docs/troubleshooting.md quotes the real answers', () => {
  it('origin not allowed: the page runs on an origin the project does not list', async () => {
    const answer = await frontend('/login/init', {}, 'http://localhost:5173');
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('origin_not_allowed');
    quoted('`origin_not_allowed`');
    quoted(answer.body.error.message.replaceAll(latchkey.project.id, 'pro-…'));
  });

  it("origin mismatch: the browser signed for another origin than the project's", async () => {
    const append = await appendStart('origin@example.com');
    const attestationResponse = new SoftAuthenticator().createCredential(append.options, { origin: 'http://127.0.0.1:3000' });
    const answer = await frontend('/append/finish', { processId: append.processId, attestationResponse });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('origin_mismatch');
    quoted(answer.body.error.message);
  });

  it('RP ID mismatch: the passkey was made for another RP ID', async () => {
    const append = await appendStart('rp@example.com');
    const attestationResponse = new SoftAuthenticator().createCredential(append.options, { origin: TEST_ORIGIN, rpId: 'shop.example' });
    const answer = await frontend('/append/finish', { processId: append.processId, attestationResponse });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('rp_id_mismatch');
    quoted(answer.body.error.message);
  });

  it('token expired: signedPasskeyData verified after its lifetime', async () => {
    const token = await loginToken('late@example.com');
    latchkey.clock.advance(301);
    try {
      expect(await verify(token)).toMatchObject({ verificationResult: 'expired' });
    } finally {
      latchkey.clock.reset();
    }
    quoted('"verificationResult": "expired"');
  });

  it('connect token expired: the page used it after its lifetime', async () => {
    const token = await latchkey.project.connectToken('passkey-append', 'slow@example.com');
    latchkey.clock.advance(601);
    try {
      const answer = await frontend('/append/init', { connectToken: token });
      expect(answer.status).toBe(410);
      expect(answer.body.error.code).toBe('connect_token_expired');
      quoted(answer.body.error.message);
    } finally {
      latchkey.clock.reset();
    }
  });

  it('clock skew: an instance more than 10 s behind the one that signed says expired; 9 s behind is fine', async () => {
    const behind9 = await loginToken('skew9@example.com');
    const behind11 = await loginToken('skew11@example.com');
    // The verifying instance's clock is put exactly 9 and 11 s behind the second each token was
    // signed in (its iat). Moving it back from the wall clock instead made the 11 s case pass as
    // only 10 s behind whenever a second boundary fell between the signing and the verify.
    latchkey.clock.setTo(issuedAt(behind9) - 9);
    try {
      expect(await verify(behind9)).toMatchObject({ verificationResult: 'success' });
      latchkey.clock.setTo(issuedAt(behind11) - 11);
      expect(await verify(behind11)).toMatchObject({ verificationResult: 'expired' });
    } finally {
      latchkey.clock.reset();
    }
    quoted('more than 10 s behind');
  });
});
