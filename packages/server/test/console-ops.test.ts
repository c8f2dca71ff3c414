import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_TIMEOUT } from '../src/console/sessions.js';
import { pruneExpired } from '../src/housekeeping/prune-expired.js';
import { LATENCY_SAMPLE_RETENTION } from '../src/housekeeping/retention.js';
import { newInstance } from '../src/ops/instance.js';
import { bucketOf, quantileMs, upperBoundMs } from '../src/ops/latency-buckets.js';
import { LatencyRecorder } from '../src/ops/latency-recorder.js';
import { recordOpsSample } from '../src/ops/record-ops-sample.js';
import { hashLookupSecret } from '../src/secrets/secret-hash.js';
import { expectStatus } from './helpers/ceremonies.js';
import { signInAdmin, type ConsoleAdmin } from './helpers/console.js';
import { expectError } from './helpers/http-client.js';
import { startTestServer, type TestServer } from './helpers/harness.js';

/**
 * The console's operations views over real HTTP: per-minute p50/p99 latency from the server's own
 * samples (merged over instances), the instance count from heartbeats, and housekeeping of ended
 * console sessions. Time moves with the harness clock; samples are taken with ops.sampleNow().
 */
let server: TestServer;
let owner: ConsoleAdmin;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signInAdmin(server, 'ops-owner@example.com');
});
afterAll(async () => server?.close());

/** A whole UTC minute two minutes back: every sample below lands in a minute of its own. */
const minuteBack = (minutes: number) => (Math.floor(Date.now() / 60_000) - minutes) * 60;

describe('latency histogram', () => {
  it('buckets are ~19 % wide, and a quantile lands inside the bucket of the true value', () => {
    expect(upperBoundMs(bucketOf(50))).toBeGreaterThanOrEqual(50);
    expect(upperBoundMs(bucketOf(50) - 1)).toBeLessThan(50);
    const buckets: Record<number, number> = {};
    for (let ms = 1; ms <= 100; ms++) buckets[bucketOf(ms)] = (buckets[bucketOf(ms)] ?? 0) + 1;
    expect(quantileMs(buckets, 0.5)).toBeGreaterThan(50 / 1.19);
    expect(quantileMs(buckets, 0.5)).toBeLessThan(50 * 1.19);
    expect(quantileMs(buckets, 0.99)).toBeGreaterThan(99 / 1.19);
    expect(quantileMs({}, 0.5)).toBeNull();
  });
});

describe('latency chart', () => {
  it('p50/p99 per route family and minute, every instance\'s requests merged by histogram', async () => {
    const minute = minuteBack(2);
    // Whatever earlier requests left goes into an older minute.
    server.clock.setTo(minute - 60 + 59);
    await server.ops.sampleNow();

    for (let i = 0; i < 20; i++) expectStatus(await server.main.frontend('/login/init', {}), 200);
    // A second instance on the same store: 100 logins of 50 ms each in the same minute.
    const other = new LatencyRecorder();
    for (let i = 0; i < 100; i++) other.observe('/v2/connect/login/start', 0.05);
    server.clock.setTo(minute + 59);
    await server.ops.sampleNow();
    await recordOpsSample(server.ctx, newInstance(minute), other, 60);

    const rows = await server.ctx.store.db.selectFrom('latency_samples').selectAll().where('minute', '=', minute).where('family', '=', 'login').execute();
    expect(rows.map((r) => Number(r.count)).sort((a, b) => a - b)).toEqual([20, 100]);

    const answer = await owner.call('GET', '/latency?hours=1');
    expectStatus(answer, 200);
    expect(answer.body.step).toBe(60);
    expect(answer.body.times).toHaveLength(60);
    expect(answer.body.times.at(-1)).toBe(minute);
    const login = answer.body.families.login;
    expect(login.count.at(-1)).toBe(120);
    // 100 of the 120 took 50 ms: the merged median is in 50 ms's bucket, whatever the 20 real
    // requests took (faster or slower, rank 60 is one of the hundred).
    const fifty = bucketOf(50);
    expect(login.p50.at(-1)).toBeGreaterThan(upperBoundMs(fifty - 1));
    expect(login.p50.at(-1)).toBeLessThanOrEqual(upperBoundMs(fifty));
    expect(login.p99.at(-1)).toBeGreaterThanOrEqual(login.p50.at(-1));
    // Minutes without requests are there, empty.
    expect(login.count[0]).toBe(0);
    expect(login.p50[0]).toBeNull();
    server.clock.reset();
  });

  it('weighs each instance by its requests: a quiet instance\'s slow requests do not become the p99', async () => {
    const minute = minuteBack(4);
    const busy = new LatencyRecorder();
    for (let i = 0; i < 1000; i++) busy.observe('/v2/passkey/verifySignedData', 0.002);
    const quiet = new LatencyRecorder();
    for (let i = 0; i < 5; i++) quiet.observe('/v2/passkeys/verifySignedData', 0.4);
    server.clock.setTo(minute + 59);
    await recordOpsSample(server.ctx, newInstance(minute), busy, 60);
    await recordOpsSample(server.ctx, newInstance(minute), quiet, 60);
    const answer = await owner.call('GET', '/latency?hours=1');
    const verify = answer.body.families.verify;
    const at = answer.body.times.indexOf(minute);
    expect(verify.count[at]).toBe(1005);
    // 5 of 1005 are slow: under 1 %, so the p99 is a 2 ms one (the max of the two instances'
    // p99s would say 400 ms).
    expect(verify.p99[at]).toBeLessThanOrEqual(upperBoundMs(bucketOf(2)));
    expect(verify.p50[at]).toBeGreaterThan(upperBoundMs(bucketOf(2) - 1));
    server.clock.reset();
  });

  it('refuses an out-of-range window with invalid_request', async () => {
    expectError(await owner.call('GET', '/latency?hours=0'), 400, 'invalid_request');
    expectError(await owner.call('GET', '/latency?hours=49'), 400, 'invalid_request');
    expectError(await owner.call('GET', '/latency?hours=soon'), 400, 'invalid_request');
  });

  it('housekeeping keeps 30 days of samples', async () => {
    const old = minuteBack(0) - LATENCY_SAMPLE_RETENTION - 120;
    const recorder = new LatencyRecorder();
    recorder.observe('/v2/passkey/verifySignedData', 0.002);
    server.clock.setTo(old + 59);
    await recordOpsSample(server.ctx, newInstance(old), recorder, 60);
    server.clock.reset();
    const report = await pruneExpired(server.ctx);
    expect(report.latency_samples).toBe(1);
    expect(await server.ctx.store.db.selectFrom('latency_samples').select('id').where('minute', '<', old + 60).execute()).toEqual([]);
  });
});

describe('health: instances', () => {
  it('counts the instances whose heartbeat is younger than three sample intervals', async () => {
    // Ten minutes ahead: the heartbeats written by the tests above are older than three intervals.
    const now = minuteBack(-10);
    server.clock.setTo(now);
    await server.ops.sampleNow();
    const other = newInstance(now);
    await recordOpsSample(server.ctx, other, new LatencyRecorder(), 60);
    const both = await owner.call('GET', '/health');
    expect(both.body.instances).toMatchObject({ seen: 2, withinSeconds: 180 });
    expect(both.body.instances.instances.map((i: { id: string }) => i.id).sort()).toEqual([server.ops.instance.id, other.id].sort());

    // The other one stops writing; three intervals later only this one is seen.
    server.clock.setTo(now + 181);
    await server.ops.sampleNow();
    const one = await owner.call('GET', '/health');
    expect(one.body.instances).toMatchObject({ seen: 1, hosts: 1, instances: [expect.objectContaining({ id: server.ops.instance.id, pid: process.pid })] });
    server.clock.reset();
  });
});

describe('housekeeping of console sessions', () => {
  it('removes a session past its idle timeout and keeps a live one', async () => {
    const idle = await signInAdmin(server, 'idle-admin@example.com');
    const live = await signInAdmin(server, 'live-admin@example.com');
    const idOf = (admin: ConsoleAdmin) => hashLookupSecret(admin.cookie.split('=')[1]!);
    const sessionExists = async (admin: ConsoleAdmin) =>
      (await server.ctx.store.db.selectFrom('console_sessions').select('id_hash').where('id_hash', '=', idOf(admin)).executeTakeFirst()) !== undefined;

    // Half the idle timeout, then the live one is used (its last_seen_at moves); the idle one is not.
    server.clock.advance(IDLE_TIMEOUT / 2);
    expectStatus(await live.call('GET', '/projects'), 200);
    server.clock.advance(IDLE_TIMEOUT / 2 + 1);
    const report = await pruneExpired(server.ctx);
    expect(report.console_sessions).toBeGreaterThanOrEqual(1);
    expect(await sessionExists(idle)).toBe(false);
    expect(await sessionExists(live)).toBe(true);
    expectStatus(await live.call('GET', '/projects'), 200);
    server.clock.reset();
  });
});
