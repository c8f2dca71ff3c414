import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingProxy {
  url: string;
  /** How many non-preflight requests arrived so far. */
  readonly held: number;
  /** The method and path of each of those requests, in order of arrival (e.g. `POST /v2/connect/login/init`). */
  readonly heldRequests: readonly string[];
  /** How long requests that arrive from now on are held. */
  holdMs: number;
  /**
   * When set (e.g. 503), requests that arrive from now on, preflights aside, are not forwarded but
   * answered at once with this status in Latchkey's error shape (code `store_unavailable`), readable
   * by the calling page: a Latchkey whose store is away, or a load balancer with no instance left.
   */
  answerStatus: number | undefined;
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of a real server that holds every request except CORS preflights for
 * `holdMs` before forwarding it: a slow server, as far as the browser can tell. With `answerStatus`
 * set it plays a failing one instead.
 */
export async function startHoldingProxy(target: string, holdMs: number): Promise<HoldingProxy> {
  const targetUrl = new URL(target);
  let held = 0;
  const heldRequests: string[] = [];
  const server = createServer((incoming, outgoing) => {
    const forward = (): void => {
      if (incoming.destroyed) return;
      const upstream = httpRequest(
        { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    };
    if (incoming.method === 'OPTIONS') {
      forward();
      return;
    }
    held += 1;
    heldRequests.push(`${incoming.method} ${incoming.url}`);
    if (proxy.answerStatus !== undefined) {
      incoming.resume();
      const origin = incoming.headers.origin;
      outgoing.writeHead(proxy.answerStatus, {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': '5',
        ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
      });
      outgoing.end(JSON.stringify({ error: { code: 'store_unavailable', message: 'the store does not answer; retry later', requestId: 'req_PROXY0000000000000000' } }));
      return;
    }
    incoming.pause();
    const timer = setTimeout(() => {
      incoming.resume();
      forward();
    }, proxy.holdMs);
    // The browser gave up (timeout, abort): nothing to forward any more.
    outgoing.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: HoldingProxy = {
    url: `http://127.0.0.1:${port}`,
    holdMs,
    answerStatus: undefined,
    get held() {
      return held;
    },
    get heldRequests() {
      return heldRequests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return proxy;
}
