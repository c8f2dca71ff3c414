import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator, type GetAssertionParams } from '@latchkey/testkit';
import { appendPasskey, connectToken, expectStatus, login, loginConditional, startLogin } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

type PasskeyEvent = { type: string; userID: string | null; credentialID: string | null; processId: string | null; detail: any };

const userOf = async (identifier: string, p: TestProject = server.main) =>
  (await p.backend('GET', `/users?identifier=${encodeURIComponent(identifier)}`)).body.users[0] as { userID: string; webauthnId: string; identifier: string };
const passkeysOf = async (userId: string) => (await server.main.backend('GET', `/users/${userId}/passkeys`)).body.passkeys as any[];
const userEvents = async (userId: string) => (await server.main.backend('GET', `/passkeyEvents?userID=${userId}&limit=500`)).body.passkeyEvents as PasskeyEvent[];

/** The whole trail of the main project, following nextCursor (events without a user are only found here). */
async function allEvents(): Promise<PasskeyEvent[]> {
  const out: PasskeyEvent[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: any = await server.main.backend('GET', `/passkeyEvents?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expectStatus(page, 200);
    if (page.body.passkeyEvents.length === 0) return out;
    out.push(...page.body.passkeyEvents);
    cursor = page.body.nextCursor;
  }
}
const processEvents = async (processId: string) => (await allEvents()).filter((e) => e.processId === processId);

/** A user with one passkey on a fresh authenticator. */
async function enrolled(identifier: string, options: ConstructorParameters<typeof SoftAuthenticator>[0] = {}, params: Parameters<typeof appendPasskey>[3] = {}) {
  const authenticator = new SoftAuthenticator(options);
  expectStatus(await appendPasskey(server.main, authenticator, identifier, params), 200);
  return authenticator;
}

/** The JWS split into its raw decoded parts, exactly as the server serialized them. */
function decode(token: string) {
  const [h, p, s] = token.split('.');
  const rawHeader = Buffer.from(h!, 'base64url').toString('utf8');
  const rawPayload = Buffer.from(p!, 'base64url').toString('utf8');
  return { rawHeader, rawPayload, header: JSON.parse(rawHeader), payload: JSON.parse(rawPayload), signature: s! };
}

const finish = (processId: string, assertionResponse: unknown, isConditionalUI: boolean, p: TestProject = server.main) =>
  p.frontend('/login/finish', { processId, assertionResponse, isConditionalUI });

describe('login/init', () => {
  it('opens a process and hands out a Conditional UI challenge with no allowCredentials', async () => {
    const before = Math.floor(Date.now() / 1000);
    const init = await server.main.frontend('/login/init', { clientInfo: { app: 'test' } });
    expectStatus(init, 200);
    expect(Object.keys(init.body).sort()).toEqual(['conditionalUIChallenge', 'decisionTags', 'expiresAt', 'loginAllowed', 'oneTap', 'processId']);
    expect(init.body.processId).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(init.body.loginAllowed).toBe(true);
    expect(init.body.expiresAt).toBeGreaterThanOrEqual(before + 15 * 60);
    expect(init.body.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 15 * 60);
    const cui = init.body.conditionalUIChallenge;
    expect(cui).toMatchObject({ allowCredentials: [], rpId: 'localhost', userVerification: 'required' });
    expect(Buffer.from(cui.challenge, 'base64url')).toHaveLength(32);
    const other = await server.main.frontend('/login/init', {});
    expect(other.body.processId).not.toBe(init.body.processId);
    expect(other.body.conditionalUIChallenge.challenge).not.toBe(cui.challenge);
  });
});

describe('login/start', () => {
  it('answers ok with request options listing the user’s passkeys (with transports) and a was- challenge id', async () => {
    const first = await enrolled('start@example.com', {}, { transports: ['internal', 'hybrid'] });
    const second = new SoftAuthenticator();
    expectStatus(await appendPasskey(server.main, second, 'start@example.com', { transports: ['usb', 'nfc'] }), 200);

    const init = await server.main.frontend('/login/init', {});
    const start = await server.main.frontend('/login/start', { processId: init.body.processId, identifier: 'start@example.com' });
    expectStatus(start, 200);
    expect(start.body.status).toBe('ok');
    expect(start.body.challengeId).toMatch(/^was-\d{19}$/);
    const options = start.body.assertionOptions;
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(Buffer.from(options.challenge, 'base64url')).toHaveLength(32);
    expect(options.challenge).not.toBe(init.body.conditionalUIChallenge.challenge);
    expect(options.allowCredentials).toHaveLength(2);
    expect(options.allowCredentials).toEqual(
      expect.arrayContaining([
        { id: first.credentials[0]!.id, type: 'public-key', transports: ['internal', 'hybrid'] },
        { id: second.credentials[0]!.id, type: 'public-key', transports: ['usb', 'nfc'] },
      ]),
    );
  });

  it('answers noPasskey for an unknown identifier, and records a no_passkey login-failed event', async () => {
    const init = await server.main.frontend('/login/init', {});
    const start = await server.main.frontend('/login/start', { processId: init.body.processId, identifier: 'nobody@example.com' });
    expectStatus(start, 200);
    expect(start.body).toEqual({ status: 'noPasskey', decisionTags: [] });
    expect(await processEvents(init.body.processId)).toEqual([
      expect.objectContaining({ type: 'login-failed', userID: null, detail: expect.objectContaining({ reason: 'no_passkey' }) }),
    ]);
  });

  it('answers noPasskey, the same way, for a known user without passkeys, and records it on the user', async () => {
    await connectToken(server.main, 'passkey-append', 'nopasskey@example.com');
    const user = await userOf('nopasskey@example.com');
    expect(user.userID).toMatch(/^usr-\d{18,19}$/);
    const init = await server.main.frontend('/login/init', {});
    const start = await server.main.frontend('/login/start', { processId: init.body.processId, identifier: 'nopasskey@example.com' });
    expectStatus(start, 200);
    expect(start.body).toEqual({ status: 'noPasskey', decisionTags: [] });
    expect(await userEvents(user.userID)).toEqual([
      expect.objectContaining({ type: 'login-failed', processId: init.body.processId, detail: expect.objectContaining({ reason: 'no_passkey' }) }),
    ]);
  });

  it('refuses a process that does not exist (404) and one that expired (410)', async () => {
    const unknown = await server.main.frontend('/login/start', { processId: 'AAAAAAAAAAAAAAAAAAAA', identifier: 'x@example.com' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'process_not_found']);
    const init = await server.main.frontend('/login/init', {});
    server.clock.advance(16 * 60);
    try {
      const late = await server.main.frontend('/login/start', { processId: init.body.processId, identifier: 'x@example.com' });
      expect([late.status, late.body.error.code]).toEqual([410, 'process_expired']);
    } finally {
      server.clock.reset();
    }
  });
});

describe('login/finish: signedPasskeyData', () => {
  it('returns the token and passkeyOperation; the token has exactly the contract’s header and claims, in order', async () => {
    const identifier = 'claims@example.com';
    const authenticator = await enrolled(identifier);
    const user = await userOf(identifier);
    const [passkey] = await passkeysOf(user.userID);
    const started = await startLogin(server.main, identifier);
    const response = authenticator.getAssertion(started.options, { origin: ORIGIN });
    const before = Math.floor(Date.now() / 1000);
    const answer = await finish(started.processId, response, false);
    const after = Math.floor(Date.now() / 1000);
    expectStatus(answer, 200);
    expect(Object.keys(answer.body).sort()).toEqual(['passkeyOperation', 'signals', 'signedPasskeyData']);
    expect(answer.body.passkeyOperation).toEqual({ identifier, credentialId: authenticator.credentials[0]!.id, userId: user.userID });

    const { rawHeader, rawPayload, header, payload } = decode(answer.body.signedPasskeyData);
    expect(header.kid).toMatch(/^pki-\d{19}$/);
    expect(rawHeader).toBe(`{"alg":"RS256","kid":"${header.kid}","typ":"JWT"}`);
    expect(Object.keys(payload)).toEqual(['iss', 'sub', 'exp', 'nbf', 'iat', 'jti', 'processId', 'username', 'credential', 'challengeId', 'webauthnId', 'isCUI']);
    expect(rawPayload.startsWith('{"iss":')).toBe(true);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(payload).toEqual({
      iss: server.main.project.id,
      sub: user.userID,
      exp: payload.iat + 300,
      nbf: payload.iat - 10,
      iat: payload.iat,
      jti: expect.stringMatching(/^[0-9A-Za-z]{30}$/),
      processId: started.processId,
      username: identifier,
      credential: passkey.id,
      challengeId: started.challengeId,
      webauthnId: user.webauthnId,
      isCUI: false,
    });
    expect(passkey.id).toMatch(/^cre-\d{19,20}$/);
  });

  it('uses the project’s token lifetime for exp (tokenTtl 120 → iat + 120)', async () => {
    const short = await server.addProject({ name: 'Short lived', tokenTtl: 120 });
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendPasskey(short, authenticator, 'ttl@example.com'), 200);
    const answer = await login(short, authenticator, 'ttl@example.com');
    expectStatus(answer, 200);
    const { payload } = decode(answer.body.signedPasskeyData);
    expect(payload.exp - payload.iat).toBe(120);
    expect(payload.nbf).toBe(payload.iat - 10);
    expect(payload.iss).toBe(short.project.id);
    expect(payload.sub).toBe((await userOf('ttl@example.com', short)).userID);
  });

  it('gives every token its own jti and records login-succeeded with challengeId, jti and isCUI', async () => {
    const identifier = 'events@example.com';
    const authenticator = await enrolled(identifier);
    const user = await userOf(identifier);
    const started = await startLogin(server.main, identifier);
    const answer = await finish(started.processId, authenticator.getAssertion(started.options, { origin: ORIGIN }), false);
    expectStatus(answer, 200);
    const second = await login(server.main, authenticator, identifier);
    expectStatus(second, 200);
    const first = decode(answer.body.signedPasskeyData).payload;
    const other = decode(second.body.signedPasskeyData).payload;
    expect(other.jti).not.toBe(first.jti);
    expect(other.processId).not.toBe(first.processId);

    const succeeded = (await userEvents(user.userID)).filter((e) => e.type === 'login-succeeded');
    expect(succeeded).toHaveLength(2);
    expect(succeeded[0]).toMatchObject({
      userID: user.userID,
      credentialID: first.credential,
      processId: started.processId,
      detail: { challengeId: started.challengeId, jti: first.jti, isCUI: false },
    });
    expect(succeeded[1]!.detail).toEqual({ challengeId: other.challengeId, jti: other.jti, isCUI: false });
  });

  it('sets the passkey’s lastUsedAt and stores the authenticator’s counter', async () => {
    const identifier = 'lastused@example.com';
    const authenticator = await enrolled(identifier);
    const user = await userOf(identifier);
    const [before] = await passkeysOf(user.userID);
    expect(before.lastUsedAt).toBeNull();
    server.clock.advance(120);
    try {
      expectStatus(await login(server.main, authenticator, identifier), 200);
      const expected = Math.floor(server.clock.nowMs() / 1000);
      const [after] = await passkeysOf(user.userID);
      expect(after.lastUsedAt).toBeGreaterThanOrEqual(before.createdAt + 120);
      expect(Math.abs(after.lastUsedAt - expected)).toBeLessThanOrEqual(2);
    } finally {
      server.clock.reset();
    }
    const counterOf = async () =>
      (await server.ctx.store.db.selectFrom('credentials').select('counter').where('id', '=', before.id).executeTakeFirstOrThrow()).counter;
    expect(await counterOf()).toBe(1);
    expectStatus(await login(server.main, authenticator, identifier), 200);
    expect(await counterOf()).toBe(2);
    expectStatus(await login(server.main, authenticator, identifier, { signCount: 40 }), 200);
    expect(await counterOf()).toBe(40);
  });

  it('lets authenticators without a counter (always 0) log in again and again', async () => {
    const identifier = 'zero@example.com';
    const authenticator = await enrolled(identifier, {}, { counter: 'zero' });
    for (let i = 0; i < 4; i++) {
      const answer = await login(server.main, authenticator, identifier);
      expectStatus(answer, 200);
    }
    const user = await userOf(identifier);
    const row = await server.ctx.store.db.selectFrom('credentials').select('counter').where('user_id', '=', user.userID).executeTakeFirstOrThrow();
    expect(row.counter).toBe(0);
    expect((await userEvents(user.userID)).filter((e) => e.type === 'login-succeeded')).toHaveLength(4);
  });
});

describe('login/finish: Conditional UI', () => {
  it('finds the user by credential and user handle with no identifier; the token says isCUI and names the CUI challenge', async () => {
    const identifier = 'cui@example.com';
    const authenticator = await enrolled(identifier);
    const user = await userOf(identifier);
    const answer = await loginConditional(server.main, authenticator);
    expectStatus(answer, 200);
    expect(answer.body.passkeyOperation).toEqual({ identifier, credentialId: authenticator.credentials[0]!.id, userId: user.userID });
    const { payload } = decode(answer.body.signedPasskeyData);
    expect(payload).toMatchObject({ sub: user.userID, username: identifier, webauthnId: user.webauthnId, isCUI: true });
    expect(payload.challengeId).toMatch(/^was-\d{19}$/);
    const challenge = await server.ctx.store.db
      .selectFrom('challenges')
      .selectAll()
      .where('process_id', '=', payload.processId)
      .executeTakeFirstOrThrow();
    expect(challenge).toMatchObject({ id: payload.challengeId, kind: 'login-cui' });
    const succeeded = (await userEvents(user.userID)).filter((e) => e.type === 'login-succeeded');
    expect(succeeded.at(-1)!.detail).toEqual({ challengeId: payload.challengeId, jti: payload.jti, isCUI: true });
  });

  it('refuses a discoverable login without a user handle: 422 user_handle_mismatch', async () => {
    const authenticator = await enrolled('cui-nohandle@example.com');
    const answer = await loginConditional(server.main, authenticator, { userHandle: null });
    expect([answer.status, answer.body.error?.code]).toEqual([422, 'user_handle_mismatch']);
  });

  it('refuses another user’s handle: 422 user_handle_mismatch', async () => {
    const authenticator = await enrolled('cui-victim@example.com');
    const other = await enrolled('cui-other@example.com');
    const answer = await loginConditional(server.main, authenticator, { userHandle: other.credentials[0]!.userHandle });
    expect([answer.status, answer.body.error?.code]).toEqual([422, 'user_handle_mismatch']);
    // …and in identifier-first too: a handle that is given must be this passkey's user's.
    const wrongHandle = await login(server.main, authenticator, 'cui-victim@example.com', { userHandle: other.credentials[0]!.userHandle });
    expect([wrongHandle.status, wrongHandle.body.error?.code]).toEqual([422, 'user_handle_mismatch']);
  });

  it('keeps the two challenges apart: the CUI challenge with isConditionalUI false, or start’s with true, is challenge_mismatch', async () => {
    const identifier = 'cui-mix@example.com';
    const authenticator = await enrolled(identifier);
    const started = await startLogin(server.main, identifier);

    const cuiAnswer = authenticator.getAssertion(started.conditionalUIChallenge, { origin: ORIGIN });
    const crossed = await finish(started.processId, cuiAnswer, false);
    expect([crossed.status, crossed.body.error?.code]).toEqual([422, 'challenge_mismatch']);

    const startAnswer = authenticator.getAssertion(started.options, { origin: ORIGIN });
    const crossedBack = await finish(started.processId, startAnswer, true);
    expect([crossedBack.status, crossedBack.body.error?.code]).toEqual([422, 'challenge_mismatch']);

    // Neither refusal spent a challenge: both still work with the right flag.
    const ok = await finish(started.processId, authenticator.getAssertion(started.conditionalUIChallenge, { origin: ORIGIN }), true);
    expectStatus(ok, 200);
    expect(decode(ok.body.signedPasskeyData).payload.isCUI).toBe(true);
  });

  it('an identifier-first login has isCUI false even when a CUI challenge was also open', async () => {
    const authenticator = await enrolled('cui-if@example.com');
    const answer = await login(server.main, authenticator, 'cui-if@example.com');
    expectStatus(answer, 200);
    expect(decode(answer.body.signedPasskeyData).payload.isCUI).toBe(false);
  });
});

describe('login/finish: every refusal names its check and is audited', () => {
  /** Identifier-first login with one corrupted assertion; returns the answer and the process's events. */
  async function refusal(identifier: string, params: Partial<GetAssertionParams>) {
    const authenticator = await enrolled(identifier);
    const started = await startLogin(server.main, identifier);
    const answer = await finish(started.processId, authenticator.getAssertion(started.options, { origin: ORIGIN, ...params }), false);
    return { status: answer.status, code: answer.body.error?.code as string, events: await processEvents(started.processId) };
  }

  const cases: Array<[string, Partial<GetAssertionParams>, string]> = [
    ['a response made on a foreign origin', { origin: 'https://evil.example' }, 'origin_mismatch'],
    ['a response made inside a cross-origin frame', { crossOrigin: true }, 'origin_mismatch'],
    ['a response for another RP ID', { rpId: 'evil.example' }, 'rp_id_mismatch'],
    ['a response to a challenge never issued', { challenge: Buffer.alloc(32, 7).toString('base64url') }, 'challenge_mismatch'],
    ['a bad signature', { tamperSignature: true }, 'bad_signature'],
    ['no user verification', { userVerified: false }, 'user_verification_required'],
  ];
  it.each(cases)('%s: 422 %s… recorded as login-failed in the user’s trail', async (name, params, code) => {
    const identifier = `refused-${name.replace(/[^a-z]+/g, '-')}@example.com`;
    const { status, code: answered, events } = await refusal(identifier, params);
    expect({ status, code: answered }).toEqual({ status: 422, code });
    // Even refusals before the passkey is known (origin, challenge) name the account being logged into.
    const user = await userOf(identifier);
    expect(events).toEqual([
      expect.objectContaining({ type: 'login-failed', userID: user.userID, detail: expect.objectContaining({ reason: code }) }),
    ]);
  });

  it('a failure after the passkey is known is in the user’s own trail', async () => {
    const identifier = 'trail@example.com';
    await refusal(identifier, { tamperSignature: true });
    const user = await userOf(identifier);
    const failed = (await userEvents(user.userID)).filter((e) => e.type === 'login-failed');
    expect(failed).toEqual([expect.objectContaining({ userID: user.userID, detail: { reason: 'bad_signature', isCUI: false } })]);
  });

  it('a challenge answered twice: 409 challenge_already_used, even when the first answer failed', async () => {
    const identifier = 'reuse@example.com';
    const authenticator = await enrolled(identifier);
    const started = await startLogin(server.main, identifier);
    const bad = await finish(started.processId, authenticator.getAssertion(started.options, { origin: ORIGIN, tamperSignature: true }), false);
    expect([bad.status, bad.body.error?.code]).toEqual([422, 'bad_signature']);
    const good = await finish(started.processId, authenticator.getAssertion(started.options, { origin: ORIGIN }), false);
    expect([good.status, good.body.error?.code]).toEqual([409, 'challenge_already_used']);
  });

  it('a deleted passkey: 422 unknown_credential', async () => {
    const identifier = 'deleted@example.com';
    const authenticator = await enrolled(identifier);
    const user = await userOf(identifier);
    const [passkey] = await passkeysOf(user.userID);
    const started = await startLogin(server.main, identifier);
    expectStatus(await server.main.backend('DELETE', `/users/${user.userID}/passkeys/${passkey.id}`), 200);
    const answer = await finish(started.processId, authenticator.getAssertion(started.options, { origin: ORIGIN }), false);
    expect([answer.status, answer.body.error?.code]).toEqual([422, 'unknown_credential']);
    expect(await processEvents(started.processId)).toEqual([
      expect.objectContaining({ type: 'login-failed', detail: expect.objectContaining({ reason: 'unknown_credential' }) }),
    ]);
  });

  it('another user’s passkey in an identifier-first login: 422 unknown_credential', async () => {
    await enrolled('victim@example.com');
    const attacker = await enrolled('attacker@example.com');
    const started = await startLogin(server.main, 'victim@example.com');
    expect(started.options.allowCredentials!.map((c) => c.id)).not.toContain(attacker.credentials[0]!.id);
    const response = attacker.getAssertion({ ...started.options, allowCredentials: [] }, { origin: ORIGIN, credentialId: attacker.credentials[0]!.id });
    const answer = await finish(started.processId, response, false);
    expect([answer.status, answer.body.error?.code]).toEqual([422, 'unknown_credential']);
    expect(answer.body.signedPasskeyData).toBeUndefined();
    // The attempt is filed under the account it targeted, naming the passkey that tried.
    const victim = await userOf('victim@example.com');
    const attackerUser = await userOf('attacker@example.com');
    const [attackerPasskey] = await passkeysOf(attackerUser.userID);
    expect((await userEvents(victim.userID)).filter((e) => e.type === 'login-failed')).toEqual([
      expect.objectContaining({ credentialID: attackerPasskey.id, detail: expect.objectContaining({ reason: 'unknown_credential' }) }),
    ]);
    expect((await userEvents(attackerUser.userID)).filter((e) => e.type === 'login-failed')).toEqual([]);
  });

  it('a passkey of another project: 422 unknown_credential', async () => {
    const other = await server.addProject({ name: 'Other app' });
    const authenticator = new SoftAuthenticator();
    expectStatus(await appendPasskey(other, authenticator, 'elsewhere@example.com'), 200);
    const answer = await loginConditional(server.main, authenticator);
    expect([answer.status, answer.body.error?.code]).toEqual([422, 'unknown_credential']);
  });

  it('a counter that goes backwards (a cloned authenticator): 422 counter_regressed, and the stored counter stays', async () => {
    const identifier = 'clone@example.com';
    const authenticator = await enrolled(identifier);
    expectStatus(await login(server.main, authenticator, identifier), 200);
    expectStatus(await login(server.main, authenticator, identifier), 200);
    const user = await userOf(identifier);
    const counter = async () => (await server.ctx.store.db.selectFrom('credentials').select('counter').where('user_id', '=', user.userID).executeTakeFirstOrThrow()).counter;
    expect(await counter()).toBe(2);

    const lower = await login(server.main, authenticator, identifier, { signCount: 1 });
    expect([lower.status, lower.body.error?.code]).toEqual([422, 'counter_regressed']);
    const same = await login(server.main, authenticator, identifier, { signCount: 2 });
    expect([same.status, same.body.error?.code]).toEqual([422, 'counter_regressed']);
    const zero = await login(server.main, authenticator, identifier, { signCount: 0 });
    expect([zero.status, zero.body.error?.code]).toEqual([422, 'counter_regressed']);
    expect(await counter()).toBe(2);
    const failed = (await userEvents(user.userID)).filter((e) => e.type === 'login-failed');
    expect(failed.map((e) => e.detail.reason)).toEqual(['counter_regressed', 'counter_regressed', 'counter_regressed']);
    // The real authenticator moves on and still logs in.
    expectStatus(await login(server.main, authenticator, identifier, { signCount: 3 }), 200);
  });

  it('ten logins racing with one counter value (a clone racing the original): exactly one succeeds, every other is counter_regressed', async () => {
    const identifier = 'clone-race@example.com';
    const authenticator = await enrolled(identifier);
    const answers = await Promise.all(Array.from({ length: 10 }, () => login(server.main, authenticator, identifier, { signCount: 7 })));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expect([answer.status, answer.body.error?.code]).toEqual([422, 'counter_regressed']);
    const user = await userOf(identifier);
    expect((await userEvents(user.userID)).filter((e) => e.type === 'login-succeeded')).toHaveLength(1);
  });

  it('an expired process: 410 process_expired', async () => {
    const identifier = 'late@example.com';
    const authenticator = await enrolled(identifier);
    const started = await startLogin(server.main, identifier);
    const response = authenticator.getAssertion(started.options, { origin: ORIGIN });
    server.clock.advance(16 * 60);
    try {
      const answer = await finish(started.processId, response, false);
      expect([answer.status, answer.body.error?.code]).toEqual([410, 'process_expired']);
    } finally {
      server.clock.reset();
    }
  });

  it('an expired challenge in a live process: 410 challenge_expired', async () => {
    const identifier = 'slow@example.com';
    const authenticator = await enrolled(identifier);
    const started = await startLogin(server.main, identifier);
    const response = authenticator.getAssertion(started.options, { origin: ORIGIN });
    server.clock.advance(6 * 60);
    try {
      const answer = await finish(started.processId, response, false);
      expect([answer.status, answer.body.error?.code]).toEqual([410, 'challenge_expired']);
    } finally {
      server.clock.reset();
    }
  });

  it('a finish replayed after success: 409 process_completed, and no second token', async () => {
    const identifier = 'replay@example.com';
    const authenticator = await enrolled(identifier);
    const started = await startLogin(server.main, identifier);
    const response = authenticator.getAssertion(started.options, { origin: ORIGIN });
    expectStatus(await finish(started.processId, response, false), 200);
    const replay = await finish(started.processId, response, false);
    expect([replay.status, replay.body.error?.code]).toEqual([409, 'process_completed']);
    expect(replay.body.signedPasskeyData).toBeUndefined();
    const user = await userOf(identifier);
    expect((await userEvents(user.userID)).filter((e) => e.type === 'login-succeeded')).toHaveLength(1);
    // The finished process cannot start another login either.
    const restart = await server.main.frontend('/login/start', { processId: started.processId, identifier });
    expect([restart.status, restart.body.error?.code]).toEqual([409, 'process_completed']);
  });

  it('one valid answer sent 20 times at once: exactly one token, every other attempt 409', async () => {
    const identifier = 'racing-finish@example.com';
    const authenticator = await enrolled(identifier);
    const started = await startLogin(server.main, identifier);
    const response = authenticator.getAssertion(started.options, { origin: ORIGIN });
    const answers = await Promise.all(Array.from({ length: 20 }, () => finish(started.processId, response, false)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 200)) {
      expect(answer.status).toBe(409);
      expect(['challenge_already_used', 'process_completed']).toContain(answer.body.error.code);
    }
    const user = await userOf(identifier);
    expect((await userEvents(user.userID)).filter((e) => e.type === 'login-succeeded')).toHaveLength(1);
  });

  it('a passkey whose backup eligibility flips after registration: 422, refused and audited', async () => {
    const identifier = 'flip@example.com';
    const authenticator = await enrolled(identifier, { backupEligible: true, backupState: true });
    expectStatus(await login(server.main, authenticator, identifier), 200);
    // The same key now reports BE=0 (and BS=0, as BS without BE is malformed): not the authenticator it was.
    Reflect.set(authenticator, 'backupEligible', false);
    Reflect.set(authenticator, 'backupState', false);
    const flipped = await login(server.main, authenticator, identifier);
    expect([flipped.status, flipped.body.error?.code]).toEqual([422, 'backup_eligibility_changed']);

    const single = await enrolled('flip-up@example.com', { backupEligible: false, backupState: false });
    expectStatus(await login(server.main, single, 'flip-up@example.com'), 200);
    Reflect.set(single, 'backupEligible', true);
    const raised = await login(server.main, single, 'flip-up@example.com');
    expect([raised.status, raised.body.error?.code]).toEqual([422, 'backup_eligibility_changed']);
    const user = await userOf('flip-up@example.com');
    expect((await userEvents(user.userID)).filter((e) => e.type === 'login-failed').map((e) => e.detail.reason)).toEqual(['backup_eligibility_changed']);
  });

  it('a synced passkey’s backup state may change (BE stays): the new state is stored', async () => {
    const identifier = 'bs@example.com';
    const authenticator = await enrolled(identifier, { backupEligible: true, backupState: false });
    const user = await userOf(identifier);
    expect((await passkeysOf(user.userID))[0].backupState).toBe(false);
    Reflect.set(authenticator, 'backupState', true);
    expectStatus(await login(server.main, authenticator, identifier), 200);
    expect((await passkeysOf(user.userID))[0]).toMatchObject({ backupEligible: true, backupState: true });
  });
});
