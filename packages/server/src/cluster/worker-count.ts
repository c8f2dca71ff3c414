import { availableParallelism } from 'node:os';
import { ConfigError, MAX_WORKERS } from '../config/config.js';

/**
 * How many `serve` processes share the port: `--workers` if given, else LATCHKEY_WORKERS (already
 * checked by loadConfig), else one per core the process may use. 1 means no cluster at all.
 */
export function resolveWorkerCount(option: string | undefined, fromEnvironment: number | undefined): number {
  if (option === undefined) return fromEnvironment ?? Math.min(availableParallelism(), MAX_WORKERS);
  const value = /^\d+$/.test(option.trim()) ? Number(option.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_WORKERS) {
    throw new ConfigError(`--workers must be a whole number from 1 to ${MAX_WORKERS} (1 = a single process), got "${option}"`);
  }
  return value;
}
