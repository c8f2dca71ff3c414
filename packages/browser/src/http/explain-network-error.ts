import { serverFailure } from '../results/failure.js';
import type { Config, Failure } from '../types.js';

/**
 * After a request failed with no readable answer, ask Latchkey whether it refused this page.
 *
 * A browser hides a refused CORS preflight behind the same TypeError as a server that is down. The
 * Frontend API's requests are always preflighted, so a page whose origin the project does not list
 * would only ever see `networkError`. `GET /v2/projects/{id}/origin-check` is a CORS simple request
 * (no preflight) whose answers, refusals included, are readable by the calling origin: a 403 or 404
 * there becomes a `serverError` carrying the server's code and its message, which names the refused
 * origin and how to allow it. Anything else (nothing listens, the origin is allowed after all, no
 * time left) keeps the original failure: the caller gets `undefined`.
 */
export async function explainNetworkError(config: Config, timeoutMs: number, signal?: AbortSignal): Promise<Failure | undefined> {
  if (timeoutMs <= 0 || signal?.aborted) return undefined;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await config.fetch(`${config.baseUrl}/v2/projects/${encodeURIComponent(config.projectId)}/origin-check`, {
      method: 'GET',
      signal: controller.signal,
      credentials: 'omit',
    });
    if (response.status !== 403 && response.status !== 404) return undefined;
    const refusal = serverFailure(await response.json(), response.status);
    // Only the two refusals origin-check gives; anything else says nothing about this page.
    return refusal?.code === 'origin_not_allowed' || refusal?.code === 'project_not_found' ? refusal : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
