/**
 * Polls `probe` until it returns something other than undefined. The deadline only turns a
 * condition that never arrives into a failure (with `what` in the message), it asserts no speed.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 15_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting (${deadlineMs} ms) until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
