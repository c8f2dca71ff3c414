/** First wait before a retry; each further retry doubles it. */
export const BACKOFF_BASE_MS = 200;
/** No single backoff wait is longer than this. */
export const BACKOFF_MAX_MS = 2_000;
/** A server's `Retry-After` is honoured up to this; a longer wish is cut to it. */
export const RETRY_AFTER_CAP_MS = 5_000;

/**
 * Exponential backoff with jitter for the n-th retry (1-based): a wait drawn uniformly from the
 * upper half of min(BASE · 2^(n−1), MAX). The jitter spreads the retries of many app instances
 * that lost the same Latchkey instance at the same moment, so they do not return in lockstep.
 */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its month; without that guard Date.parse reads "-1" as a year.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The wait before the n-th retry: the server's `Retry-After` when it gave one (capped), else backoff. */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(RETRY_AFTER_CAP_MS, retryAfterMs);
  return backoffMs(retry, random);
}
