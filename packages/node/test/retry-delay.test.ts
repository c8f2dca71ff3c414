import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffMs, parseRetryAfter, RETRY_AFTER_CAP_MS, retryDelayMs } from '../src/http/retry-delay.js';

/** The waiting rules, as pure functions (the retry tests prove they are applied over real HTTP). */
describe('backoff', () => {
  it('doubles from the base, in the upper half of each step, and is capped', () => {
    expect(backoffMs(1, () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffMs(1, () => 1)).toBe(BACKOFF_BASE_MS);
    expect(backoffMs(2, () => 1)).toBe(BACKOFF_BASE_MS * 2);
    expect(backoffMs(3, () => 0)).toBe(BACKOFF_BASE_MS * 2);
    expect(backoffMs(10, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffMs(10, () => 0)).toBe(BACKOFF_MAX_MS / 2);
  });

  it('is jittered: different draws, different waits', () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffMs(3)));
    expect(waits.size).toBeGreaterThan(10);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(BACKOFF_BASE_MS * 2);
      expect(wait).toBeLessThanOrEqual(BACKOFF_BASE_MS * 4);
    }
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });

  it('is honoured over backoff, up to the cap', () => {
    expect(retryDelayMs(1, 1500)).toBe(1500);
    expect(retryDelayMs(5, 0)).toBe(0);
    expect(retryDelayMs(1, 3_600_000)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(BACKOFF_BASE_MS);
  });
});
