import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLogs, ORIGIN, startTestServer, type TestServer } from './helpers/harness.js';
import { openRawConnection } from './helpers/raw-socket.js';

/**
 * What the HTTP layer refuses before any route runs: oversize bodies (a 413 the client can read),
 * bodies that are not JSON, a wrong Content-Type. Every answer is in the error shape, with a
 * message that says what to send instead.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

type Upload = { status: number; body: any } | { error: string };

/**
 * One POST of `body` the way many HTTP clients send it (Python's requests, curl without
 * Expect, most proxies): the whole request is written first, and only then is the answer read.
 * Such a client sees EPIPE or ECONNRESET, never the answer, if the server closes the connection
 * while the body is still on its way.
 */
async function upload(path: string, body: Buffer, headers: Record<string, string>): Promise<Upload> {
  const { hostname, port } = new URL(server.url);
  const socket = connect({ host: hostname, port: Number(port) });
  let failure: string | undefined;
  let received = '';
  socket.on('error', (error: NodeJS.ErrnoException) => (failure ??= error.code ?? error.message));
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const head = Object.entries({ host: `${hostname}:${port}`, ...headers, 'content-length': String(body.length), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const request = Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${head}\r\n`), body]);
  for (let offset = 0; offset < request.length && failure === undefined && !socket.destroyed; offset += 64 * 1024) {
    if (!socket.write(request.subarray(offset, offset + 64 * 1024))) {
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
  if (failure !== undefined) {
    socket.destroy();
    return { error: failure };
  }
  await closed;
  if (failure !== undefined) return { error: failure };
  const [statusLine, ...rest] = received.split('\r\n\r\n');
  return { status: Number(statusLine!.split(' ')[1]), body: JSON.parse(rest.join('\r\n\r\n')) };
}

const frontendHeaders = () => ({ 'content-type': 'application/json', 'x-project-id': server.main.project.id, origin: ORIGIN });

describe('an oversize body gets a 413 the client can read', () => {
  it('20 uploads of a 5 MB JSON body to login/init, one after another: all 20 read the 413 body_too_large (no EPIPE, no ECONNRESET), each sending all before reading', async () => {
    const body = Buffer.from(JSON.stringify({ clientInfo: { padding: 'x'.repeat(5 * 1024 * 1024) } }));
    const outcomes: Upload[] = [];
    for (let i = 0; i < 20; i++) outcomes.push(await upload('/v2/connect/login/init', body, frontendHeaders()));
    const summary = outcomes.map((o) => ('error' in o ? o.error : `${o.status} ${o.body.error?.code}`));
    expect(summary).toEqual(Array(20).fill('413 body_too_large'));
    const first = outcomes[0] as { body: any };
    expect(first.body.error.message).toContain('65536 bytes');
    expect(first.body.error.requestId).toMatch(/^req_/);
  });

  it('20 concurrent 5 MB uploads all read the 413 too, and the server answers normally after', async () => {
    const body = Buffer.from(JSON.stringify({ clientInfo: { padding: 'y'.repeat(5 * 1024 * 1024) } }));
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => upload('/v2/connect/login/init', body, frontendHeaders())));
    expect(outcomes.map((o) => ('error' in o ? o.error : `${o.status} ${o.body.error?.code}`))).toEqual(Array(20).fill('413 body_too_large'));
    expect((await server.main.frontend('/login/init', {})).status).toBe(200);
  });

  it('past the discard bound (16 MiB) the server stops reading and closes the connection: a 100 MB upload is not read to its end', async () => {
    const connection = await openRawConnection(server.url);
    const declared = 100 * 1024 * 1024;
    connection.socket.write(
      `POST /v2/connect/login/init HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Project-ID: ${server.main.project.id}\r\n` +
        `Origin: ${ORIGIN}\r\nContent-Length: ${declared}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    while (sent < declared && !connection.socket.destroyed && connection.socket.writable) {
      sent += chunk.length;
      if (!connection.socket.write(chunk)) {
        await new Promise<void>((resolve) => {
          connection.socket.once('drain', resolve);
          void connection.closed.then(resolve);
        });
      }
    }
    await connection.closed;
    expect(sent).toBeLessThan(declared);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('a client that gives up mid-upload while its body is being discarded: no error logged, the server answers the next request', async () => {
    const connection = await openRawConnection(server.url);
    connection.socket.write(
      `POST /v2/connect/login/init HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Project-ID: ${server.main.project.id}\r\n` +
        `Origin: ${ORIGIN}\r\nContent-Length: 5000000\r\n\r\n`,
    );
    connection.socket.write(Buffer.alloc(1024 * 1024, 'x'));
    connection.socket.resetAndDestroy();
    await connection.closed;
    expect((await server.main.frontend('/login/init', {})).status).toBe(200);
    expect(errorLogs(server)).toEqual([]);
  });

  it('the Backend API answers its 413 the same way', async () => {
    const body = Buffer.from(JSON.stringify({ signedPasskeyData: 'z'.repeat(5 * 1024 * 1024) }));
    const authorization = `Basic ${Buffer.from(`${server.main.project.id}:${server.main.secret}`).toString('base64')}`;
    const outcome = await upload('/v2/passkey/verifySignedData', body, { 'content-type': 'application/json', authorization });
    expect('error' in outcome ? outcome.error : `${outcome.status} ${outcome.body.error.code}`).toBe('413 body_too_large');
  });
});

describe('low-level parse errors answer in the error shape, with a hint', () => {
  const post = (raw: string, headers: Record<string, string>) => server.request('POST', '/v2/connect/login/init', { raw, headers });

  it('bad JSON: 400 invalid_json saying where the JSON broke', async () => {
    const answer = await post('{"clientInfo": {"a": 1,}}', frontendHeaders());
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_json', requestId: expect.stringMatching(/^req_/) });
    expect(answer.body.error.message).toMatch(/not valid JSON/);
    expect(answer.body.error.message).toMatch(/position \d+/);
  });

  it('a JSON body that sets __proto__: 400 invalid_json naming the key', async () => {
    const answer = await post('{"clientInfo":{"__proto__":{"x":1}}}', frontendHeaders());
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_json');
    expect(answer.body.error.message).toContain('__proto__');
  });

  it('a wrong Content-Type: 415 unsupported_media_type naming the accepted type and the one sent', async () => {
    const answer = await post('{}', { ...frontendHeaders(), 'content-type': 'text/plain' });
    expect(answer.status).toBe(415);
    expect(answer.body.error.code).toBe('unsupported_media_type');
    expect(answer.body.error.message).toContain('application/json');
    expect(answer.body.error.message).toContain('text/plain');
  });

  it('a body with no Content-Type at all: 415 saying none was sent', async () => {
    const { ['content-type']: _dropped, ...headers } = frontendHeaders();
    // A Buffer body, so that fetch adds no Content-Type of its own.
    const answer = await server.request('POST', '/v2/connect/login/init', { raw: Buffer.from('{}'), headers });
    expect(answer.status).toBe(415);
    expect(answer.body.error.message).toContain('application/json');
    expect(answer.body.error.message).toContain('none');
  });

  it('an oversize body: 413 body_too_large naming the limit', async () => {
    const answer = await post(JSON.stringify({ clientInfo: { p: 'x'.repeat(70 * 1024) } }), frontendHeaders());
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: 'body_too_large', message: expect.stringContaining('65536 bytes') });
  });

  it('headers over 16 KiB: 431 headers_too_large in the error shape, connection closed', async () => {
    const connection = await openRawConnection(server.url);
    connection.socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    await connection.closed;
    const [head, body] = connection.received().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(body!).error).toMatchObject({ code: 'headers_too_large', requestId: expect.stringMatching(/^req_/) });
  });

  it('bytes that are not HTTP: 400 malformed_http in the error shape, connection closed', async () => {
    const connection = await openRawConnection(server.url);
    connection.socket.write('HELLO THERE\r\n\r\n');
    await connection.closed;
    const [head, body] = connection.received().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(body!).error.code).toBe('malformed_http');
  });

  it('a schema violation: 400 invalid_request naming the field', async () => {
    const answer = await server.main.frontend('/login/start', { processId: 'A'.repeat(20), identifier: 5 });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
    expect(answer.body.error.message).toContain('identifier');
  });
});
