/**
 * The one base class of everything this SDK throws. Branch on `code` (stable, snake_case) or on
 * the subclass; `message` is for people and logs and may change between versions.
 */
export abstract class LatchkeyError extends Error {
  /** Stable, machine-readable reason. */
  abstract readonly code: string;

  /** The subclass's name, spelled out in each class (a bundler's minifier may rename classes). */
  abstract override readonly name: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
