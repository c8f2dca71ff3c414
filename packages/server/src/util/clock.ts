/**
 * Every expiry decision reads time through a Clock, so that tests can move time forward over real
 * HTTP (an expired process, a token past `exp`) without sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Unix seconds, the unit of every time in the API and the store. */
export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}
