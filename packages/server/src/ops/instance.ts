import { hostname } from 'node:os';
import { randomBase62 } from '../util/ids.js';

/** One serving process (each cluster worker is one), as its heartbeat row names it. */
export interface Instance {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
}

/** A fresh id per start: a restarted process is a new instance, and the old row simply ages out. */
export function newInstance(startedAt: number): Instance {
  return { id: `ins-${randomBase62(16)}`, host: hostname(), pid: process.pid, startedAt };
}
