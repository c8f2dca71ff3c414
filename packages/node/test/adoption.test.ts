import type { TestLatchkey } from '@latchkey/test-support';
import { SoftAuthenticator } from '@latchkey/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatchkeyApiError, LatchkeyConfigError, type LatchkeyClient } from '../src/index.js';
import { appendPasskey, frontend, loginWithPasskey } from './helpers/ceremonies.js';
import { latchkeyWithClient } from './helpers/latchkey.js';

/** The adoption parts of the SDK (policy, events, funnel) against a real server, checked by effect. */
let latchkey: TestLatchkey;
let client: LatchkeyClient;

beforeAll(async () => ({ latchkey, client } = await latchkeyWithClient()));
afterAll(() => latchkey.close());

const today = () => new Date().toISOString().slice(0, 10);

describe('policy', () => {
  it('get reads the defaults; update merges, returns the whole policy, and the server obeys it', async () => {
    expect(await client.policy.get()).toEqual({
      login: { enabled: true, rolloutPercent: 100 },
      append: { enabled: true, rolloutPercent: 100 },
      platforms: { allow: [], deny: [] },
      nudge: { backoffDays: [1, 7, 30] },
      conditionalCreate: false,
      oneTap: false,
    });
    const updated = await client.policy.update({ append: { enabled: false }, platforms: { deny: ['windows'] } });
    expect(updated.append).toEqual({ enabled: false, rolloutPercent: 100 });
    expect(updated.platforms).toEqual({ allow: [], deny: ['windows'] });
    expect(await client.policy.get()).toEqual(updated);
    const token = await client.connectTokens.create('passkey-append', { identifier: 'policy@example.com' });
    const init = await frontend(latchkey, latchkey.project, '/append/init', { connectToken: token.secret });
    expect(init).toMatchObject({ appendAllowed: false, decisionTags: expect.arrayContaining(['append-kill-switch']) });
    const trail = await client.passkeyEvents.list({ limit: 500 });
    expect(trail.passkeyEvents.filter((e) => e.type === 'policy-changed')).toHaveLength(1);
    await client.policy.update({ append: { enabled: true }, platforms: { deny: [] } });
  });

  it('a bad update is the server’s 400, as a LatchkeyApiError', async () => {
    const error = await client.policy.update({ login: { rolloutPercent: 150 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatchkeyApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});

describe('events and the funnel', () => {
  it('passwordLogin and report feed the funnel, next to the passkey logins the server saw', async () => {
    const authenticator = new SoftAuthenticator();
    await appendPasskey(latchkey, latchkey.project, authenticator, 'funnel@example.com');
    await loginWithPasskey(latchkey, latchkey.project, authenticator, 'funnel@example.com');
    await client.events.passwordLogin({ identifier: 'pw@example.com', osFamily: 'android' });
    expect(await client.events.report([{ type: 'offer-shown', osFamily: 'android' }, { type: 'fallback', reason: 'no-passkey' }])).toEqual({ accepted: 2 });

    const funnel = await client.analytics.funnel({ from: today(), to: today() });
    expect(funnel).toMatchObject({ from: today(), to: today(), usersWithPasskey: 1 });
    expect(funnel.rows).toHaveLength(1);
    expect(funnel.rows[0]).toMatchObject({
      day: today(),
      offers: 1,
      appendsStarted: 1,
      appendsCompleted: 1,
      logins: { passkeyIdentifier: 1, passkeyConditionalUI: 0, passkeyOneTap: 0, password: 1 },
      passkeyLoginRate: 0.5,
      fallbackReasons: { 'no-passkey': 1 },
    });
    const byPlatform = await client.analytics.funnel({ groupBy: 'platform' });
    expect(byPlatform.rows.find((r) => r.osFamily === 'android')).toMatchObject({ offers: 1, logins: { password: 1 } });
  });

  it('refuses an empty or too large batch before any request, and the server refuses junk', async () => {
    await expect(client.events.report([])).rejects.toBeInstanceOf(LatchkeyConfigError);
    await expect(client.events.report(Array.from({ length: 21 }, () => ({ type: 'offer-shown' as const })))).rejects.toBeInstanceOf(LatchkeyConfigError);
    const junk = await client.events.report([{ type: 'made-up' as 'offer-shown' }]).catch((e: unknown) => e);
    expect(junk).toMatchObject({ status: 400, code: 'invalid_request' });
    const badRange = await client.analytics.funnel({ from: '2026-02-30' }).catch((e: unknown) => e);
    expect(badRange).toMatchObject({ status: 400, code: 'invalid_date' });
  });
});
