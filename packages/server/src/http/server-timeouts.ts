import type { FastifyServerOptions } from 'fastify';

export interface RequestTimeouts {
  /** A client must have sent all of a request's headers this many ms after its first byte. */
  headers: number;
  /** A client must have sent the whole request, body included, this many ms after its first byte. */
  request: number;
  /** An idle keep-alive connection is closed after this many ms without a request. */
  keepAlive: number;
}

/**
 * Node's HTTP server settings that keep a slow or silent client (slowloris: headers or a body sent
 * a byte at a time) from holding a socket: Node answers 408 and closes it once the headers or the
 * whole request take too long. Node checks those deadlines on a timer (30 s by default, so a
 * deadline could be overrun by up to 30 s); it runs here at a quarter of the shortest deadline, at
 * most once a second. Fastify's own default leaves the request timeout off.
 */
export function serverTimeouts(timeouts: RequestTimeouts): Pick<FastifyServerOptions, 'requestTimeout' | 'keepAliveTimeout' | 'connectionTimeout'> & {
  http: { headersTimeout: number; connectionsCheckingInterval: number };
} {
  const shortest = Math.min(timeouts.headers, timeouts.request);
  return {
    requestTimeout: timeouts.request,
    keepAliveTimeout: timeouts.keepAlive,
    // A socket silent for as long as a whole request may take is closed, whatever state it is in.
    connectionTimeout: Math.max(timeouts.request, timeouts.keepAlive),
    http: { headersTimeout: timeouts.headers, connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(shortest / 4))) },
  };
}
