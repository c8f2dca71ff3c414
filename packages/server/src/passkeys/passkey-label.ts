import { badRequest } from '../errors/latchkey-error.js';

export const MAX_LABEL_CODE_POINTS = 64;

/**
 * Control characters (C0/C1), line and paragraph separators, bidirectional overrides and isolates
 * (which can make a label read as another), and lone surrogates (not text; PostgreSQL refuses them).
 */
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

/**
 * A passkey label as stored: trimmed, NFC-normalised, 1–64 Unicode code points, no control
 * characters. Anything else is refused with 400 `invalid_label` saying what is accepted.
 */
export function passkeyLabel(input: unknown): string {
  if (typeof input !== 'string') throw badRequest('invalid_label', 'name must be a string of 1 to 64 characters');
  const label = input.normalize('NFC').trim();
  const length = [...label].length;
  if (length === 0) throw badRequest('invalid_label', 'name must not be empty (1 to 64 characters, after trimming spaces)');
  if (length > MAX_LABEL_CODE_POINTS) throw badRequest('invalid_label', `name is ${length} characters long; at most ${MAX_LABEL_CODE_POINTS} are accepted`);
  if (FORBIDDEN.test(label)) throw badRequest('invalid_label', 'name must not contain control, line-break or text-direction characters');
  return label;
}
