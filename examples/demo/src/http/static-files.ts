import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The page scripts and the style sheet: plain files, no build step. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/**
 * The web components ship as one self-contained module (Lit and `@latchkey/browser` inside),
 * exported as `@latchkey/web-components/bundle`. The app serves that file as it is.
 */
export function resolveElementsBundle(): string {
  let path: string;
  try {
    path = fileURLToPath(import.meta.resolve('@latchkey/web-components/bundle'));
  } catch (error) {
    throw new Error(`Cannot resolve @latchkey/web-components/bundle (${(error as Error).message}). Build the packages first: npm run build`);
  }
  if (!existsSync(path)) throw new Error(`${path} does not exist. Build the packages first: npm run build`);
  return path;
}

export async function serveStaticFiles(app: FastifyInstance, bundlePath: string): Promise<void> {
  await app.register(fastifyStatic, { root: PUBLIC_DIR, index: false, wildcard: false });
  const bundleDir = dirname(bundlePath);
  const bundleFile = basename(bundlePath);
  app.get('/latchkey-elements.js', (_request, reply) => reply.sendFile(bundleFile, bundleDir));
  if (existsSync(`${bundlePath}.map`)) {
    app.get('/latchkey-elements.js.map', (_request, reply) => reply.sendFile(`${bundleFile}.map`, bundleDir));
  }
}
