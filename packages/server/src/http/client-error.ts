import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../errors/error-codes.js';
import { randomBase62 } from '../util/ids.js';

/**
 * What Node's HTTP parser refuses before any request exists (a client too slow to send its
 * headers or body, headers too large, bytes that are not HTTP) is answered in the API's error
 * shape too, then the connection is closed. A reset connection has no one left to answer.
 */
export function answerClientError(log: FastifyBaseLogger, timeouts: { headers: number; request: number }) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, reason, code, message]: [number, string, ErrorCode, string] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request_timeout', `the request arrived too slowly: headers must be complete within ${timeouts.headers} ms and the whole request within ${timeouts.request} ms`]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'the request headers are larger than the server accepts (16 KiB)']
          : [400, 'Bad Request', 'malformed_http', 'the request is not well-formed HTTP/1.1'];
    const requestId = `req_${randomBase62(20)}`;
    // A slow client is an everyday event on the open internet, not a fault: debug, not warn.
    log.debug({ code, requestId, err: error }, message);
    if (socket.writable) {
      const body = JSON.stringify({ error: { code, message, requestId } });
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
