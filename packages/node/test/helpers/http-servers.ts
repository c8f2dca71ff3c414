import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Small real HTTP servers that stand in front of (or instead of) Latchkey, to produce what a
 * network can: an instance answering 503 while it drains, a load balancer's HTML error page, a
 * server that accepts and never answers, a connection that dies after the request was processed.
 */

export interface Recorder {
  url: string;
  /** Requests received, in order, as "METHOD /path". */
  received: string[];
  count(method: string, path: string): number;
  /** Arrival time of each request (ms since epoch). */
  times: number[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

async function serve(handler: (request: IncomingMessage, response: ServerResponse, n: number) => void | Promise<void>): Promise<Recorder> {
  const received: string[] = [];
  const times: number[] = [];
  const server = createServer((request, response) => {
    received.push(`${request.method} ${(request.url ?? '').split('?')[0]}`);
    times.push(Date.now());
    void handler(request, response, received.length);
  });
  const url = await listen(server);
  return {
    url,
    received,
    times,
    count: (method, path) => received.filter((r) => r === `${method} ${path}`).length,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FrontAction =
  | { kind: 'proxy' }
  /** Forward to Latchkey, let it process the request, then cut the connection: the answer is lost. */
  | { kind: 'proxy-then-drop' }
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body: string };

/** What a Latchkey instance answers while it shuts down (docs/api.md): 503 shutting_down, Connection: close. */
export function shuttingDown(headers: Record<string, string> = {}): FrontAction {
  return {
    kind: 'answer',
    status: 503,
    headers: { 'content-type': 'application/json; charset=utf-8', connection: 'close', 'x-request-id': 'req_FRONT000000000000000', ...headers },
    body: JSON.stringify({ error: { code: 'shutting_down', message: 'this instance is shutting down; retry the request', requestId: 'req_FRONT000000000000000' } }),
  };
}

/** A real HTTP server in front of Latchkey that, for the n-th request (1-based), does what `decide` says. */
export function startFront(target: string, decide: (n: number, request: IncomingMessage) => FrontAction): Promise<Recorder> {
  return serve(async (request, response, n) => {
    const action = decide(n, request);
    if (action.kind === 'answer') {
      response.writeHead(action.status, action.headers ?? {}).end(action.body);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept', 'user-agent']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(`${target}${request.url}`, { method: request.method!, headers, ...(body ? { body } : {}) });
    const text = await answer.text();
    if (action.kind === 'proxy-then-drop') {
      response.socket?.destroy();
      return;
    }
    const out: Record<string, string> = {};
    for (const name of ['content-type', 'x-request-id', 'retry-after', 'www-authenticate']) {
      const value = answer.headers.get(name);
      if (value !== null) out[name] = value;
    }
    response.writeHead(answer.status, out).end(text);
  });
}

/** Accepts requests and never answers them. */
export function startSilentServer(): Promise<Recorder> {
  return serve(() => {});
}

/** Sends the status line, headers and part of the body, then stalls. */
export function startStallingServer(): Promise<Recorder> {
  return serve((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    response.write('{"verificationResult":');
  });
}

/** Answers every request the same way. */
export function startFixedServer(status: number, headers: Record<string, string>, body: string): Promise<Recorder> {
  return serve((_request, response) => {
    response.writeHead(status, headers).end(body);
  });
}
