/**
 * Real time, plus an offset tests can move: expiry is tested over real HTTP without sleeping.
 * It has the shape of the server's `Clock` ({ nowMs() }), so any Latchkey server takes it.
 */
export class TestClock {
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
  /** Put the clock at `seconds` (Unix) plus `ms` into that second: exact boundaries, whatever the wall clock. */
  setTo(seconds: number, ms = 100): void {
    this.offsetMs = seconds * 1000 + ms - Date.now();
  }
}
