import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { badRequest, type LatchkeyError } from '../errors/latchkey-error.js';

/**
 * JSON bodies are validated as sent: `{"identifier": 12345}` is a 400, not the string "12345".
 * Query strings and path parameters are text by nature, so they alone are converted
 * (`?limit=20` → 20).
 */
const common = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false } as const;
const strict = new Ajv({ ...common, coerceTypes: false });
const coercing = new Ajv({ ...common, coerceTypes: 'array' });

export function installValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}

/**
 * Body parsing: JSON only (other media types are 415), with Fastify's prototype-poisoning
 * protection, and an empty body read as `{}` — some clients send the JSON content type on every
 * request, bodyless ones included. Routes that need fields still answer 400 for `{}`.
 */
export function installBodyParsing(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (String(body).trim() === '') {
      done(null, {});
      return;
    }
    parseJson(request, String(body), (error, value) => done(error ? invalidJson(String(body)) : null, value));
  });
}

/** Why a body is not JSON we take, in words a developer can act on: the parser's own position, or the forbidden key. */
function invalidJson(text: string): LatchkeyError {
  let reason: string;
  try {
    JSON.parse(text);
    // Valid JSON that the secure parser refused: it sets a prototype.
    reason = 'it sets "__proto__" or "constructor.prototype", which no request may';
  } catch (error) {
    reason = (error as Error).message.slice(0, 200);
  }
  return badRequest('invalid_json', `the body is not valid JSON (${reason}); send a JSON object with Content-Type: application/json`);
}

/** Deeper than any legitimate request (a WebAuthn response nests 3 levels). */
const MAX_DEPTH = 16;

/** The reason a parsed input is refused, or undefined when it is acceptable. */
function findInputProblem(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? 'contains a NUL character' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return `is nested more than ${MAX_DEPTH} levels deep`;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return 'contains a NUL character';
    const problem = findInputProblem(item, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Two things no route accepts, refused before any schema or store sees them: NUL characters
 * (PostgreSQL text cannot hold them; no identifier needs them) and absurd nesting (it would make
 * serialisation overflow the stack).
 */
export function installInputGuards(app: FastifyInstance): void {
  // A callback hook (see refuseWhileClosing): synchronous work on every request.
  app.addHook('preValidation', (request, _reply, done) => {
    for (const [part, value] of [['body', request.body], ['query', request.query], ['path', request.params]] as const) {
      const problem = findInputProblem(value);
      if (problem) return done(badRequest('invalid_request', `the request ${part} ${problem}`));
    }
    done();
  });
}
