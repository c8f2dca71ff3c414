/**
 * When to replace a worker that exited unexpectedly, and when to stop trying. A worker that served
 * for a while (HEALTHY_AFTER_MS) is replaced at once: one crash, one replacement. A worker that
 * died at start or soon after counts as a quick failure; each one waits twice as long as the last
 * (100 ms up to 5 s), and LIMIT quick failures within WINDOW_MS mean a crash loop (a bad build, a
 * resource that is gone): the primary stops and exits with the reason instead of forking forever.
 */
const HEALTHY_AFTER_MS = 10_000;
const WINDOW_MS = 60_000;
const LIMIT = 5;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

export class RestartPolicy {
  private quickFailures: number[] = [];

  /** Milliseconds to wait before the replacement, or undefined to give up. */
  delayAfterExit(now: number, listeningSince: number | undefined): number | undefined {
    if (listeningSince !== undefined && now - listeningSince >= HEALTHY_AFTER_MS) return 0;
    this.quickFailures = [...this.quickFailures.filter((at) => now - at < WINDOW_MS), now];
    if (this.quickFailures.length >= LIMIT) return undefined;
    return Math.min(FIRST_DELAY_MS * 2 ** (this.quickFailures.length - 1), MAX_DELAY_MS);
  }

  /** How many quick failures the give-up was about, for the message. */
  describe(): string {
    return `${this.quickFailures.length} workers exited within ${HEALTHY_AFTER_MS / 1000} s of starting, in ${WINDOW_MS / 1000} s`;
  }
}
