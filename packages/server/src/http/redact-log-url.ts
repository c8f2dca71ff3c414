import type { FastifyRequest } from 'fastify';

/** Query parameters whose values say nothing about a person, kept in logs for debugging. */
const HARMLESS_QUERY = new Set(['cursor', 'limit', 'userID']);

/**
 * A request URL fit for a log line: every query value but the harmless ones is replaced, so that
 * identifiers (emails, in `?identifier=`) never reach the logs. Names stay, to show what was asked.
 */
export function redactLogUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const pairs = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair.length > 0 ? '[redacted]' : pair;
      const name = pair.slice(0, equals);
      return HARMLESS_QUERY.has(name) ? pair : `${name.length <= 32 && /^[A-Za-z0-9_]+$/.test(name) ? name : '[redacted]'}=[redacted]`;
    });
  return `${url.slice(0, query)}?${pairs.join('&')}`;
}

/** Fastify's request serializer with the URL redacted (the other fields are Fastify's own). */
export function serializeRequestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactLogUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
