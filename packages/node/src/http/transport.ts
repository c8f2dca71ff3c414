import { setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedOptions } from '../client/options.js';
import { LatchkeyApiError } from '../errors/latchkey-api-error.js';
import { LatchkeyNetworkError } from '../errors/latchkey-network-error.js';
import { LatchkeyTimeoutError } from '../errors/latchkey-timeout-error.js';
import { SDK_VERSION } from '../version.js';
import { parseRetryAfter, retryDelayMs } from './retry-delay.js';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** From the API root, e.g. `/v2/users/usr-…` (path parameters already encoded). */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** Sends Backend API requests: Basic auth, a timeout per attempt, retries where they are safe. */
export interface Transport {
  send<T>(request: ApiRequest): Promise<T>;
}

type Outcome =
  | { kind: 'answer'; status: number; headers: Headers; text: string }
  | { kind: 'network'; error: unknown }
  | { kind: 'timeout' };

export function createTransport(options: ResolvedOptions): Transport {
  const authorization = `Basic ${Buffer.from(`${options.projectId}:${options.apiSecret}`, 'utf8').toString('base64')}`;

  async function attempt(url: string, request: ApiRequest): Promise<Outcome> {
    const headers: Record<string, string> = { authorization, accept: 'application/json', 'user-agent': `latchkey-node/${SDK_VERSION}` };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const controller = new AbortController();
    // Our own timer rather than AbortSignal.timeout: we know for certain that *we* aborted, and it
    // covers reading the body too, so a server that sends headers and then stalls is also caught.
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    try {
      const response = await options.fetch(url, { method: request.method, headers, body, signal: controller.signal, redirect: 'manual' });
      const text = await response.text();
      return { kind: 'answer', status: response.status, headers: response.headers, text };
    } catch (error) {
      return controller.signal.aborted ? { kind: 'timeout' } : { kind: 'network', error };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async send<T>(request: ApiRequest): Promise<T> {
      const url = buildUrl(options.baseUrl, request);
      const maxAttempts = options.retries + 1;
      for (let attempts = 1; ; attempts++) {
        const outcome = await attempt(url, request);
        // Only "nobody answered" and 503 are retried. Any other status is the server's definitive
        // answer; repeating the request would at best get the same answer and at worst repeat an
        // effect (a second connect token, a second verification that then says alreadyUsed).
        const retryable = outcome.kind !== 'answer' || outcome.status === 503;
        if (!retryable || attempts === maxAttempts) return settle<T>(outcome, attempts, request, options.timeoutMs);
        const retryAfterMs = outcome.kind === 'answer' ? parseRetryAfter(outcome.headers.get('retry-after')) : undefined;
        await sleep(retryDelayMs(attempts, retryAfterMs));
      }
    },
  };
}

function buildUrl(baseUrl: string, request: ApiRequest): string {
  const url = new URL(`${baseUrl}${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.href;
}

function settle<T>(outcome: Outcome, attempts: number, request: ApiRequest, timeoutMs: number): T {
  const what = `${request.method} ${request.path}`;
  const tries = attempts === 1 ? '' : ` (${attempts} attempts)`;
  if (outcome.kind === 'timeout') throw new LatchkeyTimeoutError(`Latchkey did not answer ${what} within ${timeoutMs} ms${tries}`, attempts, timeoutMs);
  if (outcome.kind === 'network') {
    const reason = describeNetworkError(outcome.error);
    throw new LatchkeyNetworkError(`could not reach Latchkey for ${what}${tries}: ${reason}`, attempts, outcome.error);
  }
  const { status, headers, text } = outcome;
  const json = parseJson(text);
  if (status >= 200 && status < 300) {
    if (json.ok) return json.value as T;
    throw unexpected(status, headers, attempts, `Latchkey answered ${what} with ${status} but the body is not JSON`);
  }
  if (status >= 300 && status < 400) {
    // Never followed: a redirected POST turns into a GET and loses its body (and maybe its auth).
    const location = headers.get('location');
    throw unexpected(status, headers, attempts, `Latchkey answered ${what} with a redirect${location ? ` to ${location}` : ''}; set baseUrl to where Latchkey really is`);
  }
  const error = readErrorBody(json.ok ? json.value : undefined);
  if (!error) throw unexpected(status, headers, attempts, `Latchkey answered ${what} with ${status} and no error body (a proxy in between?)`);
  throw new LatchkeyApiError({
    status,
    code: error.code,
    message: error.message,
    requestId: error.requestId ?? headers.get('x-request-id') ?? undefined,
    retryAfterMs: parseRetryAfter(headers.get('retry-after')),
    attempts,
  });
}

function unexpected(status: number, headers: Headers, attempts: number, message: string): LatchkeyApiError {
  return new LatchkeyApiError({
    status,
    code: 'unexpected_response',
    message,
    requestId: headers.get('x-request-id') ?? undefined,
    retryAfterMs: parseRetryAfter(headers.get('retry-after')),
    attempts,
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** `{error: {code, message, requestId}}`, the shape of every Latchkey error answer. */
function readErrorBody(value: unknown): { code: string; message: string; requestId: string | undefined } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, requestId } = error as Record<string, unknown>;
  if (typeof code !== 'string' || code === '') return undefined;
  return { code, message: typeof message === 'string' ? message : code, requestId: typeof requestId === 'string' ? requestId : undefined };
}

/** undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND, …) in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause === 'object') {
    const code = typeof cause.code === 'string' ? cause.code : undefined;
    const message = typeof cause.message === 'string' ? cause.message : undefined;
    if (code || message) return [code, message].filter(Boolean).join(' ');
  }
  return error.message;
}
