import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadConfig, ConfigError } from '../src/config/config.js';
import { startServer } from '../src/server.js';
import { freshDatabase } from './helpers/test-store.js';
import { errorLogs, startTestServer, type TestServer } from './helpers/harness.js';
import { openRawConnection, trickle } from './helpers/raw-socket.js';

/**
 * Slowloris: a client that sends its request a byte at a time must not hold a socket for long.
 * The server here runs with small timeouts (300 ms for headers, 600 ms for a whole request); the
 * tests assert that the server closes the connection, never how fast (the suite's timeout bounds
 * the wait; without the limits the trickle would go on for ever).
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ timeouts: { headers: 300, request: 600 } });
});
afterAll(async () => {
  expect(errorLogs(server)).toEqual([]);
  await server.close();
});

function parseAnswer(text: string): { status: number; body: any } {
  const [head, body] = text.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), body: JSON.parse(body!) };
}

describe('slow clients are cut off', () => {
  it('headers sent one line at a time, never finished: the server answers 408 request_timeout and closes the socket', async () => {
    const connection = await openRawConnection(server.url);
    connection.socket.write(`POST /v2/connect/login/init HTTP/1.1\r\nHost: localhost\r\n`);
    trickle(connection, (i) => `X-Slow-${i}: a\r\n`, 50);
    await connection.closed;
    const answer = parseAnswer(connection.received());
    expect(answer.status).toBe(408);
    expect(answer.body.error.code).toBe('request_timeout');
    expect(answer.body.error.message).toContain('300 ms');
    expect(answer.body.error.requestId).toMatch(/^req_/);
  });

  it('headers complete, body sent a byte at a time: the server answers 408 request_timeout and closes the socket', async () => {
    const connection = await openRawConnection(server.url);
    connection.socket.write(
      `POST /v2/connect/login/init HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `X-Project-ID: ${server.main.project.id}\r\nOrigin: http://localhost:3000\r\nContent-Length: 1000\r\n\r\n{"clientInfo":{"p":"`,
    );
    trickle(connection, () => 'x', 50);
    await connection.closed;
    const answer = parseAnswer(connection.received());
    expect(answer.status).toBe(408);
    expect(answer.body.error.code).toBe('request_timeout');
  });

  it('an oversize upload sent slowly is not drained for ever: the connection is closed at the request timeout', async () => {
    const connection = await openRawConnection(server.url);
    connection.socket.write(
      `POST /v2/connect/login/init HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `X-Project-ID: ${server.main.project.id}\r\nOrigin: http://localhost:3000\r\nContent-Length: 10000000\r\n\r\n{"clientInfo":{"p":"`,
    );
    trickle(connection, () => 'x'.repeat(100), 50);
    await connection.closed;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a connection that sends nothing at all is closed too', async () => {
    const connection = await openRawConnection(server.url);
    connection.socket.write('P');
    await connection.closed;
    expect(parseAnswer(connection.received()).body.error.code).toBe('request_timeout');
  });

  it('a request sent promptly on the same server is answered as usual', async () => {
    const answer = await server.main.frontend('/login/init', {});
    expect(answer.status).toBe(200);
  });
});

describe('timeouts are configurable', () => {
  it('LATCHKEY_HEADERS_TIMEOUT, LATCHKEY_REQUEST_TIMEOUT and LATCHKEY_KEEP_ALIVE_TIMEOUT are read in milliseconds, with defaults', () => {
    expect(loadConfig({})).toMatchObject({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 72_000 });
    expect(loadConfig({ LATCHKEY_HEADERS_TIMEOUT: '2000', LATCHKEY_REQUEST_TIMEOUT: '5000', LATCHKEY_KEEP_ALIVE_TIMEOUT: '9000' })).toMatchObject({
      headersTimeout: 2000,
      requestTimeout: 5000,
      keepAliveTimeout: 9000,
    });
  });

  it('latchkey serve reads them from the environment: with LATCHKEY_HEADERS_TIMEOUT=300 a slowloris connection is closed', async () => {
    const database = await freshDatabase();
    const running = await startServer(
      loadConfig({ LATCHKEY_DATABASE_URL: database.url, LATCHKEY_PORT: '0', LATCHKEY_HEADERS_TIMEOUT: '300', LATCHKEY_REQUEST_TIMEOUT: '600' }),
      { logger: pino({ level: 'silent' }) },
    );
    try {
      const connection = await openRawConnection(running.url);
      connection.socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\n`);
      trickle(connection, (i) => `X-Slow-${i}: a\r\n`, 50);
      await connection.closed;
      expect(parseAnswer(connection.received()).body.error.message).toContain('300 ms');
    } finally {
      await running.close();
      await database.drop();
    }
  });

  it('a headers timeout longer than the request timeout, or a non-number, is refused with the variable named', () => {
    expect(() => loadConfig({ LATCHKEY_HEADERS_TIMEOUT: '5000', LATCHKEY_REQUEST_TIMEOUT: '1000' })).toThrow(ConfigError);
    expect(() => loadConfig({ LATCHKEY_HEADERS_TIMEOUT: '5000', LATCHKEY_REQUEST_TIMEOUT: '1000' })).toThrow(/LATCHKEY_HEADERS_TIMEOUT/);
    expect(() => loadConfig({ LATCHKEY_REQUEST_TIMEOUT: 'soon' })).toThrow(/LATCHKEY_REQUEST_TIMEOUT/);
  });
});
