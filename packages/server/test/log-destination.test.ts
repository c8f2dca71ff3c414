import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { logDestination } from '../src/logging/log-destination.js';

/**
 * The server writes each log line at once (src/logging/log-destination.ts): a line logged is in the
 * file when the logging call returns, so a process that dies right after loses none, and no line
 * costs a hand-over to libuv's thread pool. pino's own default destination, for contrast, queues
 * the lines behind one asynchronous write.
 */
const dir = mkdtempSync(join(tmpdir(), 'latchkey-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Logs 100 lines through `destination` and counts those already in the file, before this turn of the event loop ends. */
function logAndCount(file: string, destination: pino.DestinationStream): number {
  const logger = pino({ level: 'info' }, destination);
  for (let i = 0; i < 100; i++) logger.info({ i }, 'request completed');
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('request completed')).length;
}

it('every line is in the file when the logging call returns', () => {
  const file = join(dir, 'sync.log');
  const fd = openSync(file, 'w');
  try {
    expect(logAndCount(file, logDestination(fd))).toBe(100);
  } finally {
    closeSync(fd);
  }
});

it("pino's default destination would still hold them (the behaviour this replaces)", async () => {
  const file = join(dir, 'async.log');
  const destination = pino.destination(openSync(file, 'w'));
  expect(logAndCount(file, destination)).toBeLessThanOrEqual(1);
  // Its asynchronous writes finish later; it closes the file itself once they have.
  await new Promise<void>((resolve) => {
    destination.once('close', () => resolve());
    (destination as unknown as { end(): void }).end();
  });
  expect(readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('request completed'))).toHaveLength(100);
});
