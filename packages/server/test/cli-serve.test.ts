import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cliSuite, ORIGINS, verifyJunk, type Created } from './helpers/cli-suite.js';
import { basicAuth, httpRequest } from './helpers/http-client.js';

/**
 * `latchkey serve` as a real server process: graceful stops on SIGTERM and SIGINT, `--json` and
 * `--demo`. Each test starts the servers it stops; the suite needs no shared one.
 */

const suite = cliSuite({ server: false });
const { cliJson, serve, start } = suite;

describe('latchkey serve', () => {
  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const created = await cliJson<Created>(['project', 'create', '--name', 'Drain', '--rp-id', 'localhost', ...ORIGINS]);
    const served = await serve();
    const { port } = new URL(served.url);
    const body = JSON.stringify({ signedPasskeyData: 'x' });
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    const ended = new Promise<void>((resolveEnd, reject) => {
      socket.once('end', resolveEnd);
      socket.once('error', reject);
    });
    await new Promise<void>((resolveConnect) => socket.once('connect', resolveConnect));
    // Headers and half the body: the server has begun the request and waits for the rest.
    socket.write(
      `POST /v2/passkey/verifySignedData HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${basicAuth(created.projectId, created.apiSecret)}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    served.child.kill('SIGTERM');
    // Wait until the server has stopped accepting connections: it is shutting down now.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const refused = await fetch(`${served.url}/healthz`).then(
        () => false,
        () => true,
      );
      if (refused) break;
      if (Date.now() > deadline) throw new Error('the server still accepts connections 10 s after SIGTERM');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(served.child.exitCode).toBeNull(); // still draining our request
    // The rest of the body, without half-closing: a client that sends FIN while its request is
    // still being answered lets Node's HTTP server drop the connection (allowHalfOpen is off).
    socket.write(body.slice(10));
    await new Promise<void>((answered, reject) => {
      const check = () => (/\r\n\r\n\{.*\}$/s.test(raw) ? answered() : undefined);
      socket.on('data', check);
      socket.once('error', reject);
      check();
    });
    socket.end();
    await ended;
    const [head, ...rest] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(rest.join('\r\n\r\n')).toContain('"verificationResult":"invalidSignature"');
    expect(await served.exited).toEqual({ code: 0, signal: null });
  });

  it('does not wait for an idle keep-alive connection after its request was answered', async () => {
    const served = await serve();
    const { port } = new URL(served.url);
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    socket.on('error', () => {});
    await new Promise<void>((resolveConnect) => socket.once('connect', resolveConnect));
    socket.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    for (let i = 0; i < 100 && !raw.includes('"ready"'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    const t0 = Date.now();
    expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    socket.destroy();
  });

  // A supervisor may signal as soon as it reads the banner: serve installs its SIGTERM/SIGINT
  // handlers before it listens, so even then it stops gracefully (exit 0), never by the signal.
  it('handles a SIGTERM sent the moment the banner appears', async () => {
    for (let i = 0; i < 3; i++) {
      const served = await serve([], {}, false);
      expect(await served.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });

  it('stops on SIGINT with exit code 0', async () => {
    const served = await serve();
    expect((await httpRequest(served.url, 'GET', '/readyz')).status).toBe(200);
    expect(await served.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('--json prints exactly one JSON object ({url, demoProject}) on stdout once listening; logs go to stderr', async () => {
    const child = start(['serve', '--demo', '--json'], {
      db: await suite.freshDb(),
      env: { LATCHKEY_PORT: '0', LATCHKEY_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('close', (code, signal) => done({ code, signal })));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no JSON line within 20 s; stderr: ${stderr}`)), 20_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          done();
        }
      });
    });
    const printed = JSON.parse(stdout) as { url: string; demoProject: { projectId: string; apiSecret: string } };
    expect(printed).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      workers: 1,
      demoProject: { projectId: expect.stringMatching(/^pro-\d{19}$/), apiSecret: expect.stringMatching(/^latchkey1_[0-9A-Za-z]{40}$/) },
    });
    expect((await verifyJunk(printed.url, printed.demoProject.projectId, printed.demoProject.apiSecret)).body.verificationResult).toBe('invalidSignature');
    expect(stderr).toContain('Server listening');
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    // Still the one line: nothing else was written to stdout, not even on shutdown.
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--demo creates a demo project on first start and prints its secret only then', async () => {
    const db = await suite.freshDb();
    const first = await serve(['--demo'], { db });
    const firstOut = first.stdout();
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    const projectId = /Demo project: (pro-\d{19})/.exec(firstOut)?.[1];
    const secret = /API secret:\s+(latchkey1_[0-9A-Za-z]+)/.exec(firstOut)?.[1];
    expect(projectId, firstOut).toBeDefined();
    expect(secret, firstOut).toBeDefined();
    expect(firstOut.split('latchkey1_')).toHaveLength(2);

    const second = await serve(['--demo'], { db });
    try {
      expect(second.stdout()).toContain(`Demo project: ${projectId}`);
      expect(second.stdout()).not.toContain('latchkey1_');
      // The secret printed on the first start is a real one.
      expect((await verifyJunk(second.url, projectId!, secret!)).body.verificationResult).toBe('invalidSignature');
    } finally {
      expect(await second.stop()).toEqual({ code: 0, signal: null });
    }
    expect(second.stdout()).not.toContain('latchkey1_');
  });
});
