import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp } from '../../src/http/app.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { createContext } from '../../src/server.js';
import { openStore } from '../../src/store/store.js';

/**
 * The OpenAPI document exactly as GET /openapi.json serves it, built from the route schemas without
 * listening or migrating: building the routes touches no table, so a throwaway SQLite file will do.
 */
export async function openApiDocument(): Promise<Record<string, any>> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-contract-'));
  const store = openStore(`file:${join(dir, 'contract.db')}`);
  const logger = pino({ level: 'silent' });
  try {
    const app = await buildApp({
      ctx: { ...createContext({ keyEncryptionKey: undefined }, store), log: logger },
      metrics: new Metrics(store),
      logger,
      bodyLimit: 64 * 1024,
      timeouts: { headers: 10_000, request: 10_000, keepAlive: 5_000 },
      trustProxy: false,
      frontendRateLimit: 0,
      backendRateLimit: 0,
    });
    await app.ready();
    // A JSON round trip: the plain data a client reads, without TypeBox's symbol-keyed markers.
    const document = JSON.parse(JSON.stringify(app.swagger())) as Record<string, any>;
    await app.close();
    return document;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
