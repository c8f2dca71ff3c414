import pino from 'pino';

/**
 * Where the server's log lines go: file descriptor 1 (stdout) or 2 (stderr), each line written at
 * once, synchronously.
 *
 * Why not pino's default: `pino()` and `pino.destination(fd)` write asynchronously, each line an
 * `fs.write` on libuv's thread pool. That hand-over (a pool thread woken, the answer queued back to
 * the event loop) cost the server about 40 µs of CPU per request line, against a few µs for the
 * write itself (`npm run bench:compare`, one line per request: a verification cost 14 % less
 * CPU with synchronous lines), and it shares the pool with WebCrypto's signing and verifying.
 * Synchronous is also what Node does for `process.stdout` and `process.stderr` on files and
 * pipes on Linux, and it loses no line that was logged when the process dies.
 *
 * The cost of that choice: a log reader that stops reading (a full pipe) holds up the server until
 * it reads again, as it would any Node program writing to that pipe. Container runtimes and
 * journald read continuously.
 */
export function logDestination(fd: number): pino.DestinationStream {
  return pino.destination({ dest: fd, sync: true });
}

/** The server's logger at `level`, writing to `fd` (see logDestination). */
export function serverLogger(level: string, fd: 1 | 2 = 1): pino.Logger {
  return pino({ level }, logDestination(fd));
}
