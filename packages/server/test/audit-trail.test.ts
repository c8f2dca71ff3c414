import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '@latchkey/testkit';
import { openStore } from '../src/store/store.js';
import { expectStatus, signedPasskeyData, startLogin, verify } from './helpers/ceremonies.js';
import { killAllCliProcesses, runCliJson, serveCli } from './helpers/cli-process.js';
import { startTestServer, ORIGIN, type TestProject, type TestServer } from './helpers/harness.js';
import { basicAuth, httpRequest } from './helpers/http-client.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';

/**
 * Nothing bought with safety (issue 12): refusal events are written behind, in batches, but every
 * one of them lands in the trail; a success's event is committed with the success itself, before
 * the answer; a graceful stop writes what is queued; single use and rate limits are untouched.
 * The server here flushes only when told (an hour's interval), so each "not yet" is deterministic.
 */

const HOUR = 3_600_000;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ eventFlushMs: HOUR });
});
afterAll(async () => {
  await server?.close();
  killAllCliProcesses();
});

/** The trail as the store holds it right now, read past the queue (not through the API, which flushes first). */
async function storedEvents(projectId: string): Promise<Array<{ type: string; detail: Record<string, unknown> }>> {
  const rows = await server.ctx.store.db.selectFrom('passkey_events').select(['type', 'detail']).where('project_id', '=', projectId).orderBy('id').execute();
  return rows.map((row) => ({ type: row.type, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {} }));
}

describe('write-behind refusals, committed successes', () => {
  let p: TestProject;
  const authenticator = new SoftAuthenticator();
  const identifier = 'audited@example.com';

  beforeAll(async () => {
    p = await server.addProject({ name: 'Audit' });
  });

  it('a success’s event is in the store when the 200 arrives, before any flush', async () => {
    const token = await signedPasskeyData(p, authenticator, identifier);
    await server.ctx.events!.flush();
    const queuedBefore = server.ctx.events!.size;
    const answer = await verify(p, token);
    expect(answer.body.verificationResult).toBe('success');
    // Nothing was flushed in between (an hour's interval, nothing queued): the event came with the spend.
    expect(queuedBefore).toBe(0);
    expect(server.ctx.events!.size).toBe(0);
    const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).jti as string;
    expect((await storedEvents(p.project.id)).filter((e) => e.type === 'token-verified').map((e) => e.detail.jti)).toContain(jti);
  });

  it('every verify result and refusal is recorded: refusals are queued, then all written by a flush', async () => {
    const token = await signedPasskeyData(p, authenticator, identifier);
    const other = await signedPasskeyData(p, authenticator, identifier);
    const before = (await storedEvents(p.project.id)).length;

    expect((await verify(p, token)).body.verificationResult).toBe('success');
    expect((await verify(p, token)).body.verificationResult).toBe('alreadyUsed');
    expect((await verify(p, `${token.slice(0, -8)}AAAAAAAA`)).body.verificationResult).toBe('invalidSignature');
    expect((await verify(p, other, 'someone-else@example.com')).body.verificationResult).toBe('usernameMismatch');
    // A login refused at finish (a tampered signature) and one refused at start (no passkey).
    const started = await startLogin(p, identifier);
    const tampered = authenticator.getAssertion(started.options, { origin: ORIGIN, tamperSignature: true });
    expect((await p.frontend('/login/finish', { processId: started.processId, assertionResponse: tampered, isConditionalUI: false })).status).toBe(422);
    const init = await p.frontend('/login/init', {});
    expect((await p.frontend('/login/start', { processId: init.body.processId, identifier: 'nobody@example.com' })).body.status).toBe('noPasskey');

    // The success is stored; the five refusals wait in the queue.
    const now = (await storedEvents(p.project.id)).slice(before);
    expect(now.map((e) => e.type)).toEqual(['token-verified']);
    expect(server.ctx.events!.size).toBe(5);

    await server.ctx.events!.flush();
    expect(server.ctx.events!.size).toBe(0);
    const after = (await storedEvents(p.project.id)).slice(before);
    expect(after.map((e) => [e.type, e.detail.result ?? e.detail.reason ?? null])).toEqual([
      ['token-verified', null],
      ['token-refused', 'alreadyUsed'],
      ['token-refused', 'invalidSignature'],
      ['token-refused', 'usernameMismatch'],
      ['login-failed', 'bad_signature'],
      ['login-failed', 'no_passkey'],
    ]);
  });

  it('a success written after queued refusals lands after them: the trail keeps the order things happened in', async () => {
    const token = await signedPasskeyData(p, authenticator, identifier);
    await server.ctx.events!.flush();
    const before = (await storedEvents(p.project.id)).length;
    expect((await verify(p, 'x')).body.verificationResult).toBe('invalidSignature');
    expect(server.ctx.events!.size).toBe(1);
    expect((await verify(p, token)).body.verificationResult).toBe('success');
    expect((await storedEvents(p.project.id)).slice(before).map((e) => e.type)).toEqual(['token-refused', 'token-verified']);
  });

  it('reading the trail through the API sees queued refusals (the read flushes first)', async () => {
    expect((await verify(p, 'y')).body.verificationResult).toBe('invalidSignature');
    expect(server.ctx.events!.size).toBe(1);
    const page = await p.backend('GET', '/passkeyEvents?limit=500');
    expectStatus(page, 200);
    expect(page.body.passkeyEvents.at(-1)).toMatchObject({ type: 'token-refused', detail: { result: 'invalidSignature' } });
  });

  it('single use stays atomic: of 100 concurrent verifications of one token exactly one succeeds, and all 100 are recorded', async () => {
    const token = await signedPasskeyData(p, authenticator, identifier);
    await server.ctx.events!.flush();
    const before = (await storedEvents(p.project.id)).length;
    const answers = await Promise.all(Array.from({ length: 100 }, () => verify(p, token)));
    const results = answers.map((a) => a.body.verificationResult as string);
    expect(results.filter((r) => r === 'success')).toHaveLength(1);
    expect(results.filter((r) => r === 'alreadyUsed')).toHaveLength(99);
    await server.ctx.events!.flush();
    const recorded = (await storedEvents(p.project.id)).slice(before);
    expect(recorded.filter((e) => e.type === 'token-verified')).toHaveLength(1);
    expect(recorded.filter((e) => e.type === 'token-refused' && e.detail.result === 'alreadyUsed')).toHaveLength(99);
  });
});

describe('rate limits stay on', () => {
  it('the Backend API answers 429 past its budget, and refuses the over-budget calls without recording a verification', async () => {
    const limited = await startTestServer({ backendRateLimit: 5, eventFlushMs: HOUR });
    try {
      const answers = [];
      for (let i = 0; i < 7; i++) answers.push(await verify(limited.main, 'x'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(answers[6]!.body.error.code).toBe('rate_limited');
      await limited.ctx.events!.flush();
      const refused = await limited.ctx.store.db.selectFrom('passkey_events').select('type').where('project_id', '=', limited.main.project.id).where('type', '=', 'token-refused').execute();
      expect(refused).toHaveLength(5);
    } finally {
      await limited.close();
    }
  });
});

describe('a graceful stop', () => {
  let database: TestDatabase;
  let cwd: string;
  beforeAll(async () => {
    database = await freshDatabase();
    cwd = mkdtempSync(join(tmpdir(), 'latchkey-audit-'));
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('SIGTERM writes the queued refusals before `latchkey serve` exits', async () => {
    const options = { db: database.url, cwd, env: { LATCHKEY_EVENT_FLUSH_MS: '10000' } };
    const created = await runCliJson<{ projectId: string; apiSecret: string }>(['project', 'create', '--name', 'Stop', '--rp-id', 'localhost', '--origin', ORIGIN], options);
    const served = await serveCli([], options);
    const authorization = basicAuth(created.projectId, created.apiSecret);
    for (let i = 0; i < 3; i++) {
      const answer = await httpRequest(served.url, 'POST', '/v2/passkey/verifySignedData', { body: { signedPasskeyData: `junk-${i}` }, headers: { authorization } });
      expect(answer.body.verificationResult).toBe('invalidSignature');
    }
    expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const store = openStore(database.url);
    try {
      const rows = await store.db.selectFrom('passkey_events').select(['type', 'detail']).where('project_id', '=', created.projectId).execute();
      expect(rows.map((r) => [r.type, JSON.parse(r.detail!).result])).toEqual(Array(3).fill(['token-refused', 'invalidSignature']));
    } finally {
      await store.close();
    }
    // Several processes start one after another (the CLI, the server): slow on a busy machine.
  }, 120_000);
});
