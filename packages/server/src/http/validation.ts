import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

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
    parseJson(request, String(body), done);
  });
}
