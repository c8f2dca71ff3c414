import { InvalidArgumentError } from 'commander';

/** Repeatable option: `--origin a --origin b` → ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}
