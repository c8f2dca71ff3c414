import type { Clock } from '@latchkey/server';

/**
 * Real time plus an offset the test moves: token expiry and key retirement over real HTTP, without
 * sleeping. (packages/server's tests keep their own TestClock: they cannot depend on this package,
 * which depends on the server.)
 */
export class MovableClock implements Clock {
  private offsetMs = 0;
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
