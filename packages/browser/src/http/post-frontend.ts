import { abortedFailure, failure, invalidResponse, serverFailure } from '../results/failure.js';
import type { Config, Failure } from '../types.js';
import { explainNetworkError } from './explain-network-error.js';
import type { FrontendAnswer, FrontendPath, FrontendRequest, Unchecked } from './frontend-operations.js';

export type Answer<T> = { ok: true; status: number; body: T } | Failure;

/**
 * POST a JSON body to the Frontend API (`/v2/connect{path}`) and read the JSON answer. The body is
 * typed by the contract's schema for that route; the answer by its field names, unchecked.
 *
 * One deadline (`timeoutMs`, by default `config.timeoutMs`) covers connecting, the server's work and
 * reading the body, so a server that accepts the connection and then stalls still ends in `timeout`.
 * The caller's signal ends it with `aborted`. Anything fetch itself rejects (DNS, refused connection,
 * TLS, a CORS refusal: browsers do not tell these apart) is `networkError`, unless Latchkey, asked
 * within what is left of the deadline, says it refused this page (see explainNetworkError).
 */
export async function postFrontend<P extends FrontendPath>(
  config: Config,
  path: P,
  body: FrontendRequest<P>,
  signal?: AbortSignal,
  timeoutMs = config.timeoutMs,
): Promise<Answer<Unchecked<FrontendAnswer<P>>>> {
  if (signal?.aborted) return abortedFailure();
  const controller = new AbortController();
  let timedOut = false;
  const deadline = Date.now() + timeoutMs;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let status = 0;
  let text = '';
  let unreachable: { cause: unknown } | undefined;
  try {
    const response = await config.fetch(`${config.baseUrl}/v2/connect${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-project-id': config.projectId },
      body: JSON.stringify(body),
      signal: controller.signal,
      // The Frontend API authenticates by process and connect token, never by cookie.
      credentials: 'omit',
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (timedOut) return failure('timeout', `the Latchkey server did not answer within ${timeoutMs} ms`, { cause: error });
    if (signal?.aborted) return abortedFailure();
    unreachable = { cause: error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (unreachable) {
    const refusal = await explainNetworkError(config, deadline - Date.now(), signal);
    if (signal?.aborted) return abortedFailure();
    return refusal ?? failure('networkError', 'the Latchkey server could not be reached', { cause: unreachable.cause });
  }

  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    return invalidResponse(`not JSON (HTTP ${status})`, status);
  }
  if (status >= 200 && status < 300) {
    if (typeof json !== 'object' || json === null) return invalidResponse('not a JSON object', status);
    return { ok: true, status, body: json as Unchecked<FrontendAnswer<P>> };
  }
  return serverFailure(json, status) ?? invalidResponse(`HTTP ${status} without an error code`, status);
}
