import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { rollUpAdoption } from '../src/housekeeping/roll-up-adoption.js';
import { connectToken, expectStatus } from './helpers/ceremonies.js';
import { errorLogs, ORIGIN, startTestServer, type TestProject, type TestServer } from './helpers/harness.js';
import { basicAuth, expectError } from './helpers/http-client.js';

/**
 * Client events in (schema-checked, size- and rate-limited) and the funnel out: numbers from a
 * known set of ceremonies and events, before and after housekeeping rolls the raw events up and
 * prunes them.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

const DAY = 86_400;
const rawEvents = (p: TestProject) => server.ctx.store.db.selectFrom('adoption_events').selectAll().where('project_id', '=', p.project.id).orderBy('id').execute();

describe('POST /v2/connect/events', () => {
  it('accepts 1–20 events with 202 and stores them normalised, with the server’s time', async () => {
    const p = await server.addProject();
    const answer = await p.frontend('/events', {
      events: [
        { type: 'offer-shown', deviceId: 'dev-events-0001', osFamily: 'android', browserFamily: 'chrome', at: 1 },
        { type: 'fallback', reason: 'no-passkey', osFamily: 'beos', browserFamily: 'netscape', deviceId: 'bad id!' },
      ],
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ accepted: 2 });
    const rows = await rawEvents(p);
    expect(rows.map((r) => [r.source, r.type, r.os_family, r.browser_family, r.device_id, r.reason])).toEqual([
      ['client', 'offer-shown', 'android', 'chrome', 'dev-events-0001', ''],
      ['client', 'fallback', 'unknown', 'unknown', null, 'no-passkey'],
    ]);
    expect(Math.abs(Number(rows[0]!.created_at) - Math.floor(Date.now() / 1000))).toBeLessThan(60);
  });

  it('refuses junk with 400 and stores none of the batch', async () => {
    const p = await server.addProject();
    const one = { type: 'offer-shown' };
    for (const body of [
      {},
      { events: [] },
      { events: 'offer-shown' },
      { events: Array.from({ length: 21 }, () => one) },
      { events: [{ type: 'made-up' }] },
      { events: [{}] },
      { events: [{ type: 'fallback', reason: 'x'.repeat(65) }] },
      { events: [{ type: 'fallback', reason: '' }] },
      { events: [{ type: 'login-completed', method: 'telepathy' }] },
      { events: [{ type: 'conditional-create', result: 'maybe' }] },
      { events: [{ type: 'offer-shown', extra: 1 }] },
      { events: [one, { type: 'offer-shown', at: 'yesterday' }] },
      // Only the app's backend may name who logged in.
      { events: [{ type: 'password-login', identifier: 'someone@example.com' }] },
      { events: [one], more: true },
    ]) {
      expectError(await p.frontend('/events', body), 400, 'invalid_request');
    }
    expect(await rawEvents(p)).toEqual([]);
  });

  it('refuses a body over 16 KiB with 413 body_too_large', async () => {
    const p = await server.addProject();
    const raw = `{"events":[{"type":"offer-shown"}]${' '.repeat(16 * 1024)}}`;
    const answer = await server.request('POST', '/v2/connect/events', {
      raw,
      headers: { 'content-type': 'application/json', 'x-project-id': p.project.id, origin: ORIGIN },
    });
    expectError(answer, 413, 'body_too_large');
    expect(await rawEvents(p)).toEqual([]);
  });

  it('is guarded like the rest of the Frontend API: project and origin checked', async () => {
    const p = await server.addProject();
    expectError(await p.frontend('/events', { events: [{ type: 'offer-shown' }] }, { origin: 'https://evil.example' }), 403, 'origin_not_allowed');
    expectError(await p.frontend('/events', { events: [{ type: 'offer-shown' }] }, { projectId: null }), 400, 'project_id_missing');
  });

  it('is rate-limited (429 rate_limited with Retry-After)', async () => {
    const limited = await startTestServer({ frontendRateLimit: 3 });
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await limited.main.frontend('/events', { events: [{ type: 'offer-shown' }] }));
      expect(answers.slice(0, 3).map((a) => a.status)).toEqual([202, 202, 202]);
      expectError(answers[3]!, 429, 'rate_limited');
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('POST /v2/events (Backend API)', () => {
  it('takes the app’s password logins with the identifier, and keeps only a hash of it', async () => {
    const p = await server.addProject();
    const answer = await p.backend('POST', '/events', { events: [{ type: 'password-login', identifier: 'pw@example.com', deviceId: 'dev-backend-01' }] });
    expect(answer.status).toBe(202);
    const [row] = await rawEvents(p);
    expect(row).toMatchObject({ source: 'client', type: 'password-login', method: 'password', device_id: 'dev-backend-01' });
    expect(row!.identifier_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain('pw@example.com');
  });

  it('needs the API secret, and refuses junk and oversize bodies', async () => {
    const p = await server.addProject();
    expectError(await p.backend('POST', '/events', { events: [{ type: 'password-login' }] }, { secret: 'nope' }), 401, 'invalid_credentials');
    expectError(await p.backend('POST', '/events', { events: [{ type: 'password-login', identifier: 'x'.repeat(257) }] }), 400, 'invalid_request');
    const raw = `{"events":[{"type":"password-login"}]${' '.repeat(16 * 1024)}}`;
    const answer = await server.request('POST', '/v2/events', { raw, headers: { 'content-type': 'application/json', authorization: basicAuth(p.project.id, p.secret) } });
    expectError(answer, 413, 'body_too_large');
    expect(await rawEvents(p)).toEqual([]);
  });
});

/** A known day: ceremonies the server witnesses, and events the page and the app report. */
async function knownDay(srv: TestServer): Promise<TestProject> {
  const p = await srv.addProject();
  const mac = { deviceId: 'dev-funnel-mac', webauthn: true, platformAuthenticator: true, osFamily: 'macos', browserFamily: 'safari' };
  const win = { deviceId: 'dev-funnel-win', webauthn: true, platformAuthenticator: true, osFamily: 'windows', browserFamily: 'edge' };
  const authenticator = new SoftAuthenticator();
  // Ann adds a passkey on her Mac: 1 append started, 1 completed (macos).
  const init = await p.frontend('/append/init', { connectToken: await connectToken(p, 'passkey-append', 'ann@example.com'), clientInfo: mac });
  const start = await p.frontend('/append/start', { processId: init.body.processId });
  expectStatus(await p.frontend('/append/finish', { processId: init.body.processId, attestationResponse: authenticator.createCredential(start.body.attestationOptions, { origin: ORIGIN }) }), 200);
  // Bob dismisses the offer on Windows: 1 decline (windows).
  const bob = await p.frontend('/append/init', { connectToken: await connectToken(p, 'passkey-append', 'bob@example.com'), clientInfo: win });
  expectStatus(await p.frontend('/append/dismiss', { processId: bob.body.processId }), 200);
  // Ann logs in three ways on her Mac: identifier-first, one-tap, Conditional UI.
  for (const method of ['identifier', 'one-tap'] as const) {
    const login = await p.frontend('/login/init', { clientInfo: mac });
    const ls = await p.frontend('/login/start', { processId: login.body.processId, identifier: 'ann@example.com', method });
    const assertionResponse = authenticator.getAssertion(ls.body.assertionOptions, { origin: ORIGIN });
    expectStatus(await p.frontend('/login/finish', { processId: login.body.processId, assertionResponse, isConditionalUI: false }), 200);
  }
  const cui = await p.frontend('/login/init', { clientInfo: mac });
  const assertionResponse = authenticator.getAssertion(cui.body.conditionalUIChallenge, { origin: ORIGIN });
  expectStatus(await p.frontend('/login/finish', { processId: cui.body.processId, assertionResponse, isConditionalUI: true }), 200);
  // What the pages saw.
  const reported = await p.frontend('/events', {
    events: [
      { type: 'offer-shown', osFamily: 'macos' },
      { type: 'offer-shown', osFamily: 'macos' },
      { type: 'offer-shown', osFamily: 'windows' },
      { type: 'offer-declined', osFamily: 'windows' },
      { type: 'fallback', reason: 'no-passkey', osFamily: 'windows' },
      { type: 'fallback', reason: 'no-passkey', osFamily: 'windows' },
      { type: 'fallback', reason: 'cancelled', osFamily: 'macos' },
      { type: 'error', reason: 'NotAllowedError', osFamily: 'macos' },
      { type: 'conditional-create', result: 'unsupported', osFamily: 'windows' },
      // The server counts completed appends and logins itself: these must not be counted twice.
      { type: 'append-completed', osFamily: 'macos' },
      { type: 'login-completed', method: 'identifier', osFamily: 'macos' },
    ],
  });
  expect(reported.status).toBe(202);
  // And the app's password logins: two on Windows, one unknown.
  expect((await p.backend('POST', '/events', { events: [{ type: 'password-login', identifier: 'bob@example.com', osFamily: 'windows' }, { type: 'password-login', identifier: 'bob@example.com', osFamily: 'windows' }, { type: 'password-login' }] })).status).toBe(202);
  return p;
}

const zeroRow = {
  offers: 0,
  appendsStarted: 0,
  appendsCompleted: 0,
  appendsDeclined: 0,
  logins: { passkeyIdentifier: 0, passkeyConditionalUI: 0, passkeyOneTap: 0, password: 0 },
  passkeyLoginRate: 0,
  conditionalCreates: { created: 0, failed: 0, unsupported: 0 },
  fallbackReasons: {},
  errorReasons: {},
};

const expectedTotal = {
  ...zeroRow,
  offers: 3,
  appendsStarted: 1,
  appendsCompleted: 1,
  appendsDeclined: 2,
  logins: { passkeyIdentifier: 1, passkeyConditionalUI: 1, passkeyOneTap: 1, password: 3 },
  passkeyLoginRate: 0.5,
  conditionalCreates: { created: 0, failed: 0, unsupported: 1 },
  fallbackReasons: { 'no-passkey': 2, cancelled: 1 },
  errorReasons: { NotAllowedError: 1 },
};

const today = () => new Date(server.clock.nowMs()).toISOString().slice(0, 10);

describe('GET /v2/analytics/funnel', () => {
  it('counts a known day: per day, per platform, and per day and platform', async () => {
    const p = await knownDay(server);
    const byDay = await p.backend('GET', '/analytics/funnel');
    expectStatus(byDay, 200);
    expect(byDay.body.rows).toEqual([{ day: today(), ...expectedTotal }]);
    expect(byDay.body.usersWithPasskey).toBe(1);
    expect(byDay.body.to).toBe(today());

    const byPlatform = await p.backend('GET', `/analytics/funnel?from=${today()}&to=${today()}&groupBy=platform`);
    expect(byPlatform.body.rows).toEqual([
      {
        osFamily: 'macos',
        ...zeroRow,
        offers: 2,
        appendsStarted: 1,
        appendsCompleted: 1,
        logins: { passkeyIdentifier: 1, passkeyConditionalUI: 1, passkeyOneTap: 1, password: 0 },
        passkeyLoginRate: 1,
        fallbackReasons: { cancelled: 1 },
        errorReasons: { NotAllowedError: 1 },
      },
      { osFamily: 'unknown', ...zeroRow, logins: { ...zeroRow.logins, password: 1 } },
      {
        osFamily: 'windows',
        ...zeroRow,
        offers: 1,
        appendsDeclined: 2,
        logins: { ...zeroRow.logins, password: 2 },
        conditionalCreates: { created: 0, failed: 0, unsupported: 1 },
        fallbackReasons: { 'no-passkey': 2 },
      },
    ]);
    const both = await p.backend('GET', `/analytics/funnel?groupBy=day,platform`);
    expect(both.body.rows.map((r: any) => [r.day, r.osFamily])).toEqual([
      [today(), 'macos'],
      [today(), 'unknown'],
      [today(), 'windows'],
    ]);
    // Another project's funnel is its own.
    const other = await server.addProject();
    expect((await other.backend('GET', '/analytics/funnel')).body).toMatchObject({ rows: [], usersWithPasskey: 0 });
  });

  it('refuses a bad range or grouping with 400', async () => {
    const p = server.main;
    expectError(await p.backend('GET', '/analytics/funnel?from=2026-03-02&to=2026-03-01'), 400, 'invalid_range');
    expectError(await p.backend('GET', '/analytics/funnel?from=2000-01-01&to=2026-01-01'), 400, 'invalid_range');
    expectError(await p.backend('GET', '/analytics/funnel?from=2026-02-30'), 400, 'invalid_date');
    expectError(await p.backend('GET', '/analytics/funnel?from=yesterday'), 400, 'invalid_date');
    expectError(await p.backend('GET', '/analytics/funnel?groupBy=browser'), 400, 'invalid_request');
    expectError(await p.backend('GET', '/analytics/funnel', undefined, { secret: 'nope' }), 401, 'invalid_credentials');
  });
});

describe('housekeeping: daily roll-up and retention', () => {
  it('rolls finished days up once, keeps the numbers, and prunes raw events after the retention', async () => {
    // A server of its own: the roll-up marks days for every project of the store.
    const own = await startTestServer();
    try {
      const p = await knownDay(own);
      const day = new Date(own.clock.nowMs()).toISOString().slice(0, 10);
      const report = async () => (await p.backend('GET', `/analytics/funnel?from=${day}&to=${day}`)).body.rows;
      // Today is not over: nothing to roll up yet.
      expect(await rollUpAdoption(own.ctx)).toEqual({ rolledDays: 0, prunedEvents: 0 });

      own.clock.advance(DAY);
      expect(await rollUpAdoption(own.ctx)).toEqual({ rolledDays: 1, prunedEvents: 0 });
      expect(await rollUpAdoption(own.ctx)).toEqual({ rolledDays: 0, prunedEvents: 0 });
      expect(await report()).toEqual([{ day, ...expectedTotal }]);

      // Past the retention the raw rows go; the aggregates keep every number.
      own.clock.advance(30 * DAY);
      const pruned = await rollUpAdoption(own.ctx, { retentionDays: 30 });
      expect(pruned.prunedEvents).toBeGreaterThan(15);
      expect(await own.ctx.store.db.selectFrom('adoption_events').selectAll().where('project_id', '=', p.project.id).execute()).toEqual([]);
      expect(await report()).toEqual([{ day, ...expectedTotal }]);

      // A report over rolled-up days and today reads both: aggregates, and today's raw rows.
      expect((await p.frontend('/events', { events: [{ type: 'offer-shown', osFamily: 'ios' }] })).status).toBe(202);
      const now = new Date(own.clock.nowMs()).toISOString().slice(0, 10);
      const both = (await p.backend('GET', `/analytics/funnel?from=${day}&to=${now}`)).body.rows;
      expect(both).toEqual([{ day, ...expectedTotal }, { day: now, ...zeroRow, offers: 1 }]);
    } finally {
      await own.close();
    }
  });
});
