/**
 * The do-it-yourself baseline: what a careful team would write in an afternoon with fastify,
 * @simplewebauthn/server, jose and better-sqlite3, doing the same security work as Latchkey's login
 * and verification (see login-routes.ts and verify-route.ts). The bench runs it as a child process
 * (`node --import tsx bench/baseline/server.ts <sqlite file>`, or `--floor` for the stack floor:
 * the same routes over memory-store.ts's Maps, with no log); it prints one JSON line
 * {url, projectId, secret} on stdout once listening, logs at info into /dev/null, and stops on SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import pino from 'pino';
import { hashApiSecret, newSalt } from '../../src/secrets/secret-hash.js';
import { loginRoutes } from './login-routes.js';
import { registerRoutes } from './register-routes.js';
import { openMemoryStore } from './memory-store.js';
import { openBaselineStore, type BaselineStore } from './store.js';
import { verifyRoute } from './verify-route.js';

export interface BaselineApp {
  app: FastifyInstance;
  store: BaselineStore;
  project: { id: string; name: string; rpId: string; origins: string[]; tokenTtl: number };
  signingKey: { kid: string; privateKey: CryptoKey; publicKey: CryptoKey };
}

// `--floor`: the stack floor (memory-store.ts), its statements answered from Maps and no log at all.
const file = process.argv[2];
if (!file) throw new Error('usage: server.ts <sqlite file> | --floor');
const floor = file === '--floor';
const store = floor ? openMemoryStore() : openBaselineStore(file);
const project = { id: `pro-${randomBytes(8).toString('hex')}`, name: 'Baseline', rpId: 'localhost', origins: ['http://localhost:3000'], tokenTtl: 600 };
const secret = randomBytes(32).toString('base64url');
const salt = newSalt();
store.s.putSecret.run(project.id, salt, hashApiSecret(salt, secret));
const { privateKey, publicKey } = await generateKeyPair('RS256');
const signingKey = { kid: `key-${(await exportJWK(publicKey)).n!.slice(0, 8)}`, privateKey, publicKey };

const logger: FastifyBaseLogger = pino({ level: floor ? 'silent' : 'info' }, pino.destination('/dev/null'));
const app: FastifyInstance = Fastify({ loggerInstance: logger, bodyLimit: 64 * 1024, disableRequestLogging: floor });
app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return reply.code(status).send({ error: { code: error.code ?? 'error', message: error.message } });
});
const deps: BaselineApp = { app, store, project, signingKey };
loginRoutes(deps);
verifyRoute(deps);
registerRoutes(deps);

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: address, projectId: project.id, secret })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => {
    store.db.close();
    process.exit(0);
  });
});
