import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.js';
import { LatchkeyError, notFound } from '../errors/latchkey-error.js';
import { findServedProject } from '../projects/get-project.js';
import { authenticateApiSecret } from '../secrets/authenticate-api-secret.js';

const challenge = { 'www-authenticate': 'Basic realm="Latchkey Backend API", charset="UTF-8"' };
const refused = (message: string) => new LatchkeyError(401, 'invalid_credentials', message, challenge);

type BasicCredentials = { projectId: string; secret: string } | undefined;

/** Parsed once per request: the rate limiter's key and the auth hook both ask. */
const parsed = new WeakMap<FastifyRequest, BasicCredentials>();

/** Project id and secret from `Authorization: Basic …`, or undefined when absent or malformed. */
export function basicCredentials(request: FastifyRequest): BasicCredentials {
  if (parsed.has(request)) return parsed.get(request);
  const credentials = parseBasic(request.headers.authorization);
  parsed.set(request, credentials);
  return credentials;
}

function parseBasic(header: string | undefined): BasicCredentials {
  if (typeof header !== 'string') return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { projectId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** HTTP Basic auth for the Backend API: user = project id, password = one of its live API secrets. */
export function requireApiSecret(app: FastifyInstance, ctx: Ctx): void {
  // onRequest: unauthenticated calls are refused before their body is even parsed.
  app.addHook('onRequest', async (request) => {
    const credentials = basicCredentials(request);
    if (!credentials) throw refused('HTTP Basic auth is required: user = project id, password = API secret');
    const secretId = await authenticateApiSecret(ctx, credentials.projectId, credentials.secret);
    if (secretId === undefined) throw refused('the project id or API secret is wrong, or the secret was revoked');
    request.apiSecretId = secretId;
    const project = await findServedProject(ctx, credentials.projectId);
    if (!project) throw notFound('project_not_found', `no project ${credentials.projectId}`);
    request.project = project;
  });
}
