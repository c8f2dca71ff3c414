import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notFound } from '../../errors/latchkey-error.js';
import type { FastifyReply } from 'fastify';
import type { App } from '../../http/route-deps.js';

/** Built by `npm run build:console` (vite) into dist/console-ui, beside the compiled server. */
export const ASSETS_DIR = fileURLToPath(new URL('../../../dist/console-ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * No inline script or style, nothing from elsewhere, no framing: the page that can delete
 * projects runs only its own bundled code.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function readAssets(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(ASSETS_DIR)) return files;
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files.set(`${prefix}${entry.name}`, readFileSync(join(dir, entry.name)));
    }
  };
  walk(ASSETS_DIR, '');
  return files;
}

/** The single-page app: hashed assets cached for good, every other path gets index.html (client-side routes). */
export async function consoleStaticRoutes(app: App): Promise<void> {
  const files = readAssets();
  const page = (reply: FastifyReply) => {
    const index = files.get('index.html');
    reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer');
    if (!index) return reply.code(503).type('text/plain; charset=utf-8').send('the console was not built: run `npm run build -w @latchkey/server`');
    return reply.type(TYPES['.html']!).send(index);
  };
  app.get('/', { schema: { hide: true } }, async (_request, reply) => page(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    if (path.startsWith('api/')) throw notFound('route_not_found', `no console API route ${request.method} /console/${path}`);
    const file = files.get(path);
    if (!file || path === 'index.html') return page(reply);
    reply.header('content-security-policy', CSP);
    if (path.startsWith('assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.type(TYPES[extname(path)] ?? 'application/octet-stream').send(file);
  });
}
