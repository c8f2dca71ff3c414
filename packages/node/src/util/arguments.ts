import { LatchkeyConfigError } from '../errors/latchkey-config-error.js';

/**
 * Arguments that could never be right fail before any request. Path parameters matter most: an
 * empty user id would turn `GET /v2/users/{id}` into `GET /v2/users/`, another route entirely.
 */
export function requireString(name: string, value: unknown, { allowEmpty = false } = {}): asserts value is string {
  if (typeof value !== 'string') throw new LatchkeyConfigError('invalid_argument', `${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  if (!allowEmpty && value === '') throw new LatchkeyConfigError('invalid_argument', `${name} must not be empty`);
}

/** One path segment, percent-encoded: an id can never reach another route. */
export function segment(name: string, value: unknown): string {
  requireString(name, value);
  // URLs resolve "." and ".." (even percent-encoded) away: `users.get('.')` would list users.
  if (value === '.' || value === '..') throw new LatchkeyConfigError('invalid_argument', `${name} must not be "${value}"`);
  return encodeURIComponent(value);
}
