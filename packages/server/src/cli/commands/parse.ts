import { InvalidArgumentError } from 'commander';
import { ID_PATTERNS } from '../../util/ids.js';

/** Repeatable option: `--origin a --origin b` → ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number, e.g. 300');
  return n;
}

/** An id argument of the wrong shape is a usage error (exit 2), not a lookup that finds nothing. */
function idOfShape(pattern: RegExp, accepted: string) {
  return (value: string): string => {
    if (!pattern.test(value)) throw new InvalidArgumentError(`expected ${accepted}`);
    return value;
  };
}

export const projectId = idOfShape(ID_PATTERNS.project, 'a project id: "pro-" and 19 digits, e.g. pro-1234567890123456789');
export const apiSecretId = idOfShape(ID_PATTERNS.apiSecretId, 'an API secret id: "sec-" and 19 digits, from `latchkey secret list`');
