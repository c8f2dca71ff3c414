import { afterEach, describe, expect, it } from 'vitest';
import { errorLogs, startTestServer, storeFailuresCounted, type TestServer } from '../helpers/harness.js';
import { expectError, type HttpAnswer } from '../helpers/http-client.js';
import { setImmutable, smallFileSystem, sqliteFiles, type SmallFileSystem } from '../helpers/file-faults.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * A SQLite store that stops taking writes under a running server (its files made immutable, its
 * file system full): every request that needs a write answers 503 `store_unavailable` with
 * Retry-After (never a 500), the failures are counted, `/readyz` says not ready, and service
 * resumes by itself once the fault is cleared.
 */

let server: TestServer | undefined;
let fs: SmallFileSystem | undefined;
let file: string | undefined;

afterEach(async () => {
  if (file) setImmutable(sqliteFiles(file), false);
  await server?.close();
  fs?.remove();
  server = fs = file = undefined;
});

const fileOf = (s: TestServer) => s.ctx.store.describe.replace(/^sqlite /, '');

function expectWriteFault(answer: HttpAnswer): void {
  expectError(answer, 503, 'store_unavailable');
  expect(answer.headers.get('retry-after')).toBe('1');
}

const notReady = (s: TestServer) => waitUntil('/readyz says not ready', async () => {
  const answer = await s.request('GET', '/readyz');
  return answer.status === 503 ? answer : undefined;
});
const readyAgain = (s: TestServer) => waitUntil('/readyz says ready again', async () => ((await s.request('GET', '/readyz')).status === 200 ? true : undefined));

describe('a SQLite store whose files become immutable', () => {
  it('answers 503 store_unavailable, counts it, is not ready; recovers when the files are writable again', async () => {
    server = await startTestServer();
    file = fileOf(server);
    expect((await server.request('GET', '/readyz')).status).toBe(200);
    expect((await server.main.frontend('/login/init', {})).status).toBe(200);

    // The database and its write-ahead log (SQLite maps the -shm index into memory: writes to it
    // are not file writes, and an immutable mapping would fault the process, not SQLite).
    setImmutable(sqliteFiles(file).filter((path) => !path.endsWith('-shm')), true);
    expectWriteFault(await server.main.frontend('/login/init', {}));
    const ready = await notReady(server);
    expectWriteFault(ready);
    expect(ready.body.error.message).toMatch(/not ready: the database fails to write/);
    // Reads still work: the process is up, and the JWKS answers.
    expect((await server.request('GET', '/healthz')).status).toBe(200);
    expect((await server.request('GET', `/v2/projects/${server.main.project.id}/.well-known/jwks.json`)).status).toBe(200);
    expect(await storeFailuresCounted(server)).toBeGreaterThanOrEqual(1);

    setImmutable(sqliteFiles(file), false);
    await readyAgain(server);
    expect((await server.main.frontend('/login/init', {})).status).toBe(200);
    expect(errorLogs(server)).toEqual([]);
  });
});

describe('a SQLite store whose file system fills up', () => {
  it('answers 503 store_unavailable (never 500), is not ready; recovers when space is freed', async () => {
    fs = smallFileSystem(2048);
    server = await startTestServer({ databaseUrl: `file:${fs.dir}/latchkey.sqlite` });
    expect((await server.request('GET', '/readyz')).status).toBe(200);

    fs.fill();
    // SQLite may still reuse space its write-ahead log already holds; writes fail once that is used.
    const answers: HttpAnswer[] = [];
    await waitUntil('a write fails for want of space', async () => {
      const answer = await server!.main.frontend('/login/init', {});
      answers.push(answer);
      return answer.status === 200 ? undefined : answer;
    });
    for (const answer of answers.slice(0, -1)) expect(answer.status).toBe(200);
    expectWriteFault(answers.at(-1)!);
    const ready = await notReady(server);
    expectWriteFault(ready);
    expect(ready.body.error.message).toMatch(/not ready: the database has no space left/);
    expect(await storeFailuresCounted(server)).toBeGreaterThanOrEqual(1);

    fs.free();
    await readyAgain(server);
    expect((await server.main.frontend('/login/init', {})).status).toBe(200);
    expect(errorLogs(server)).toEqual([]);
  });
});
