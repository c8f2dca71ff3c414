import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.map': 'application/json', '.css': 'text/css' };

export interface StaticServer {
  /** `http://localhost:<port>`: a secure context whose RP ID is `localhost`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves fixed pages (`pages`: path → HTML) and directories (`dirs`: URL prefix → directory on disk)
 * on localhost. Everything else is 404. `pages` is read on every request, so a test may add pages
 * after the start: their HTML often names servers that start later (a Latchkey for this origin).
 * Nothing is cached (`no-store`): a rebuilt bundle is what the next page load gets.
 */
export async function startStaticServer(pages: Record<string, string>, dirs: Record<string, string> = {}): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const page = pages[path];
      if (page !== undefined) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(page);
        return;
      }
      for (const [prefix, dir] of Object.entries(dirs)) {
        if (!path.startsWith(prefix)) continue;
        const file = normalize(join(dir, path.slice(prefix.length)));
        if (!file.startsWith(dir)) break;
        try {
          const body = await readFile(file);
          response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
          response.end(body);
          return;
        } catch {
          break;
        }
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
