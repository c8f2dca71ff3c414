import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { startTestServer } from './helpers/harness.js';

/**
 * A request that arrives on an open connection after shutdown began is refused in the API's error
 * shape (not the framework's), with `Connection: close`, so that a load balancer retries elsewhere.
 */
it('answers a request that arrives during shutdown with 503 shutting_down in the error shape', async () => {
  const server = await startTestServer();
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const socketClosed = new Promise((resolve) => socket.once('close', resolve));

  // Half a request: the connection is busy, so shutdown does not reap it as idle.
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  await sleep(150);
  const closing = server.close();
  await sleep(150);
  socket.write('\r\n');
  await socketClosed;
  await closing;

  const [head = '', body = ''] = received.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 503 /);
  expect(head.toLowerCase()).toContain('connection: close');
  const requestId = /x-request-id: (req_[0-9A-Za-z]{20})/i.exec(head)?.[1];
  expect(JSON.parse(body)).toEqual({
    error: { code: 'shutting_down', message: expect.any(String), requestId },
  });
});
