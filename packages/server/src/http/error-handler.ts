import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { LatchkeyError, unavailable } from '../errors/latchkey-error.js';
import { discardBody } from './discard-body.js';
import { diagnoseStoreFault, storeFaultMessage, storeUnavailableError } from '../store/store-unavailable.js';

type Hint = (request: FastifyRequest) => string;

/** The Content-Type the client sent, quoted and cut short, for messages. */
const sentType = (request: FastifyRequest) => {
  const type = request.headers['content-type'];
  return type ? `"${type.slice(0, 100)}"` : 'none';
};

/** Fastify's own errors for bad input, mapped to our stable codes, each with a message that says what to send instead. */
const FASTIFY_CODES: Record<string, [number, ErrorCode, Hint]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [
    413,
    'body_too_large',
    (request) => `the request body is larger than the ${request.routeOptions.bodyLimit ?? 'configured'} bytes this server accepts`,
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported_media_type',
    (request) => `send the body as JSON with Content-Type: application/json (got ${sentType(request)})`,
  ],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', () => 'the body is not valid JSON; send a JSON object with Content-Type: application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', () => 'the body’s length does not match its Content-Length header'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'invalid_request', () => 'the Content-Type header is not a valid media type; send Content-Type: application/json'],
};

const API_CODES: ReadonlySet<string> = new Set(ERROR_CODES);
const isApiErrorCode = (code: string): code is ErrorCode => API_CODES.has(code);

export function sendError(reply: FastifyReply, request: FastifyRequest, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply
    .code(status)
    .header('x-request-id', request.id)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message, requestId: request.id } });
}

/**
 * Every answer that is not 2xx has the shape {error: {code, message, requestId}}. Bad input of any
 * kind is a 4xx with a code; only a genuine fault of ours is a 500, and its details stay in the log.
 */
export function installErrorHandling(app: FastifyInstance, onStoreFailure?: (code: string) => void): void {
  app.setErrorHandler((thrown: FastifyError | LatchkeyError | Error, request, reply) => {
    if (clientHungUp(thrown, request)) {
      // Nobody is there to read an answer, and nothing is wrong with the store or with us.
      request.log.info({ code: 'request_aborted' }, 'the client closed the connection before its request arrived in full');
      return sendError(reply, request, 400, 'request_aborted', 'the request body did not arrive in full');
    }
    // The database is away, too slow or refuses writes: not a bug of ours, not the client's fault.
    // It is answered as our 503 (counted for the operator, who also watches /readyz); the driver's
    // error and the cause are kept in the log line.
    const fault = diagnoseStoreFault(thrown);
    const storeFailure = fault?.failure;
    if (storeFailure) onStoreFailure?.(storeFailure);
    const error = fault ? storeUnavailableError(fault.failure, storeFaultMessage(fault)) : thrown;
    // An operator's code (error-codes.ts CLI_ERROR_CODES) reaching a route is our bug: the API
    // answers only the codes its contract lists, so it falls through to the 500 below.
    if (error instanceof LatchkeyError && isApiErrorCode(error.code)) {
      if (error.headers) reply.headers(error.headers);
      // 503s are operational states (shutting down, store away), not faults: a warning each.
      if (error.status === 503) request.log.warn({ code: error.code, ...(fault ? { err: thrown, cause: fault.cause } : {}) }, error.message);
      else if (error.status >= 500) request.log.error({ err: error }, error.message);
      return sendError(reply, request, error.status, error.code, error.message);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return sendError(reply, request, 400, 'invalid_request', `${fastifyError.validationContext ?? 'request'}: ${error.message}`);
    }
    const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    if (known && fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Read the rest of the upload first, so that the client is done sending when the 413
      // arrives and can read it (see discard-body.ts); past the bound, the connection closes.
      return discardBody(request.raw).then((complete) => {
        // Fastify marks every body-parsing failure `Connection: close`; a body read to its end
        // leaves the connection clean, so it may serve the client's next request.
        if (complete) reply.removeHeader('connection');
        else reply.header('connection', 'close');
        return sendError(reply, request, known[0], known[1], known[2](request));
      });
    }
    if (known) return sendError(reply, request, known[0], known[1], known[2](request));
    // Any other client error Fastify raises (a 4xx status of its own) is still the client's.
    if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return sendError(reply, request, fastifyError.statusCode, 'invalid_request', error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, request, 500, 'internal_error', 'something went wrong on our side; the request id helps the operator find it');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, 404, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  );
}

/**
 * A client that resets its connection mid-upload makes Node fail the body read with ECONNRESET,
 * the same code a dropped database connection has. The request stream tells them apart: only the
 * client's hang-up leaves its own body unfinished (handlers run once the body is complete).
 */
function clientHungUp(thrown: Error, request: FastifyRequest): boolean {
  const code = (thrown as { code?: unknown }).code;
  return !request.raw.complete && (code === 'ECONNRESET' || code === 'ECONNABORTED' || request.raw.destroyed);
}

/**
 * Once shutdown has begun, requests that still arrive on open keep-alive connections are answered
 * 503 `shutting_down` with `Connection: close`, so that the client or load balancer retries on
 * another instance. Requests already in flight finish normally.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: it runs for every request and almost always does nothing,
  // and an async hook costs a promise and a turn of the microtask queue each time.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    done(unavailable('shutting_down', 'this instance is shutting down; retry the request'));
  });
}
