import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pruneExpired } from '../src/housekeeping/prune-expired.js';
import { RETENTION } from '../src/housekeeping/retention.js';
import { startHousekeeping } from '../src/housekeeping/start-housekeeping.js';
import { Metrics } from '../src/metrics/metrics.js';
import { claimsOf, connectToken, expectStatus, tokenFor, verify } from './helpers/ceremonies.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});
afterEach(() => server.clock.reset());

const db = () => server.ctx.store.db;
const rowExists = async (table: 'processes' | 'challenges' | 'connect_tokens', id: string) =>
  (await db().selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
const spentRowExists = async (jti: string) => (await db().selectFrom('spent_tokens').select('jti').where('jti', '=', jti).executeTakeFirst()) !== undefined;

describe('housekeeping', () => {
  it('prunes an expired login process and its challenge only once their retention has passed', async () => {
    const init = await server.main.frontend('/login/init', {});
    expectStatus(init, 200);
    const processId = init.body.processId as string;
    const challenge = await db().selectFrom('challenges').select(['id', 'expires_at']).where('process_id', '=', processId).executeTakeFirstOrThrow();
    const process = await db().selectFrom('processes').select('expires_at').where('id', '=', processId).executeTakeFirstOrThrow();
    const goneAt = Math.max(process.expires_at + RETENTION.processes, challenge.expires_at + RETENTION.challenges);

    server.clock.setTo(goneAt - 2);
    await pruneExpired(server.ctx);
    expect(await rowExists('processes', processId)).toBe(true);
    expect(await rowExists('challenges', challenge.id)).toBe(true);

    server.clock.setTo(goneAt + 1);
    const report = await pruneExpired(server.ctx);
    expect(await rowExists('processes', processId)).toBe(false);
    expect(await rowExists('challenges', challenge.id)).toBe(false);
    expect(report.processes + report.challenges).toBeGreaterThanOrEqual(2);
  });

  it('keeps a spent jti until its token has expired (and an hour more), so a replay is never a success', async () => {
    const token = await tokenFor(server.main, 'prune-jti@example.com');
    const { jti, exp } = claimsOf(token) as { jti: string; exp: number };
    expect((await verify(server.main, token)).body.verificationResult).toBe('success');

    // The last second of the token's life: pruning must not touch its jti, and a replay stays refused.
    server.clock.setTo(exp - 1);
    await pruneExpired(server.ctx);
    expect(await spentRowExists(jti)).toBe(true);
    expect((await verify(server.main, token)).body.verificationResult).toBe('alreadyUsed');

    server.clock.setTo(exp + RETENTION.spent_tokens - 1);
    await pruneExpired(server.ctx);
    expect(await spentRowExists(jti)).toBe(true);

    server.clock.setTo(exp + RETENTION.spent_tokens + 1);
    const report = await pruneExpired(server.ctx);
    expect(report.spent_tokens).toBeGreaterThanOrEqual(1);
    expect(await spentRowExists(jti)).toBe(false);
    // Its row is gone, yet the token is refused: it is past exp, and expiry is checked first.
    expect((await verify(server.main, token)).body.verificationResult).toBe('expired');
  });

  it('lists an expired connect token as expired for a day, then prunes it', async () => {
    const identifier = 'prune-ctk@example.com';
    await connectToken(server.main, 'passkey-append', identifier, 'Prune');
    const listed = async () => (await server.main.backend('GET', `/connectTokens?identifier=${encodeURIComponent(identifier)}`)).body.connectTokens as Array<{ id: string; status: string; expires: number }>;
    const [token] = await listed();
    expect(token).toBeDefined();

    server.clock.setTo(token!.expires + RETENTION.connect_tokens - 2);
    await pruneExpired(server.ctx);
    expect(await listed()).toEqual([expect.objectContaining({ id: token!.id, status: 'expired' })]);

    server.clock.setTo(token!.expires + RETENTION.connect_tokens + 1);
    await pruneExpired(server.ctx);
    expect(await listed()).toEqual([]);
    expect(await rowExists('connect_tokens', token!.id)).toBe(false);
  });

  it('deletes in small batches and lets requests through between them', async () => {
    // Set-up straight into the store: 2,000 long-expired processes.
    const projectId = server.main.project.id;
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      id: `prunebatch${String(i).padStart(10, '0')}`,
      project_id: projectId,
      kind: 'login',
      user_id: null,
      connect_token_id: null,
      client_info: null,
      user_agent: null,
      created_at: 1_000,
      expires_at: 1_300,
      completed_at: null,
    }));
    for (let i = 0; i < rows.length; i += 250) await db().insertInto('processes').values(rows.slice(i, i + 250)).execute();

    const finished: string[] = [];
    const pruning = pruneExpired(server.ctx, { batchSize: 50 }).then((report) => {
      finished.push('prune');
      return report;
    });
    const request = server.request('GET', '/healthz').then((answer) => {
      finished.push('request');
      return answer;
    });
    const [report, answer] = await Promise.all([pruning, request]);
    expect(answer.status).toBe(200);
    expect(report.processes).toBeGreaterThanOrEqual(2000);
    // 40 DELETEs with the event loop free in between: the request did not wait for all of them.
    expect(finished).toEqual(['request', 'prune']);
    expect(await db().selectFrom('processes').select('id').where('id', 'like', 'prunebatch%').execute()).toEqual([]);
  });

  it('runs on its own schedule off the request path and counts what it pruned in the metrics', async () => {
    const init = await server.main.frontend('/login/init', {});
    const processId = init.body.processId as string;
    const { expires_at } = await db().selectFrom('processes').select('expires_at').where('id', '=', processId).executeTakeFirstOrThrow();
    server.clock.setTo(expires_at + RETENTION.processes + 5);

    const metrics = new Metrics();
    const housekeeping = startHousekeeping(server.ctx, metrics, 1);
    try {
      const deadline = Date.now() + 10_000;
      while (await rowExists('processes', processId)) {
        if (Date.now() > deadline) throw new Error('housekeeping did not prune within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await housekeeping.stop();
    }
    const counted = await metrics.registry.getSingleMetricAsString('latchkey_housekeeping_pruned_rows_total');
    expect(counted).toMatch(/latchkey_housekeeping_pruned_rows_total\{table="processes"\} [1-9]/);
  });
});
