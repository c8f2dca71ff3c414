import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { logDestination } from '../src/logging/log-destination.js';

/**
 * The server writes each log line at once (src/logging/log-destination.ts): a line logged is in the
 * file when the logging call returns, so a process that dies right after loses none, and no line
 * costs a hand-over to libuv's thread pool. pino's own default destination, for contrast, queues
 * the lines behind one asynchronous write.
 */
const dir = mkdtempSync(join(tmpdir(), 'latchkey-log-'));
const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function loggedLines(file: string, destination: (fd: number) => pino.DestinationStream): number {
  const fd = openSync(file, 'w');
  fds.push(fd);
  const logger = pino({ level: 'info' }, destination(fd));
  for (let i = 0; i < 100; i++) logger.info({ i }, 'request completed');
  // Read before this turn of the event loop ends: only what has reached the file by now counts.
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('request completed')).length;
}

it('every line is in the file when the logging call returns', () => {
  expect(loggedLines(join(dir, 'sync.log'), logDestination)).toBe(100);
});

it("pino's default destination would still hold them (the behaviour this replaces)", () => {
  expect(loggedLines(join(dir, 'async.log'), (fd) => pino.destination(fd))).toBeLessThanOrEqual(1);
});
