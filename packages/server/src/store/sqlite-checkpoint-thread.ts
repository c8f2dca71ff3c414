import type SQLite from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints of a server's SQLite file, on a thread of their own.
 *
 * SQLite checkpoints on the connection that commits, inside the COMMIT that pushes the WAL past
 * 1000 pages: it copies those pages into the database file and syncs both files. better-sqlite3
 * runs that on the event loop, so every request of the process waited for two `fsync`s: on the
 * bench machine a COMMIT's p99 was 17–30 ms and its worst 160 ms, against 1–8 ms with no checkpoint.
 *
 * Here a worker thread with a connection of its own checkpoints instead, and the server's
 * connection keeps only a backstop. The thread runs a PASSIVE checkpoint every `intervalMs` (it
 * copies what is committed and waits for nobody). Under steady writes such a checkpoint never
 * catches up with the last commit, so the WAL would never start over and would grow. Past
 * `restartFrames` the thread asks the server for a moment between two group commits
 * (`betweenWrites`: the open group commits, then the process's requests wait for the connection,
 * on the event loop) and runs a RESTART checkpoint in it: it copies the few pages the last PASSIVE
 * left, and the next commit writes the WAL from its start again. A RESTART that finds a reader of
 * another connection still on the WAL gives up after `restartWaitMs`, and the next try waits 1, 2,
 * 4… up to 30 s, so that a long reader (an export) cannot hold the writes back again and again.
 *
 * If the thread stops (it cannot open the file, it crashed), the server's connection checkpoints
 * again as SQLite does by default, and `onError` says so: the WAL never grows without bound.
 */
export interface CheckpointThreadOptions {
  /** Milliseconds between PASSIVE checkpoints (default 100). */
  intervalMs?: number;
  /** WAL pages past which a RESTART checkpoint starts the WAL over (default 4000, 16 MB of 4 KiB pages). */
  restartFrames?: number;
  /** Most milliseconds a RESTART waits for readers and the writer (default 50); it tries again later. */
  restartWaitMs?: number;
  /** A checkpoint failed (a full disk, an I/O error), or the thread stopped. */
  onError?: (error: Error) => void;
  /** Runs the RESTART at a moment this process writes nothing (the store passes its driver's betweenGroups). */
  betweenWrites?: (work: () => Promise<void>) => Promise<void>;
}

export interface CheckpointStats {
  /** Checkpoints that copied pages into the database file. */
  checkpoints: number;
  /** RESTART checkpoints that started the WAL over. */
  restarts: number;
  /** RESTARTs that found another connection still reading the WAL (an export) and gave up, to try again later. */
  busyRestarts: number;
}

export interface CheckpointThread {
  readonly stats: CheckpointStats;
  /** The worker thread (tests end it to see the server's connection take over). */
  readonly thread: Worker;
  /** Ends the thread and closes its connection; the server's connection closes after it. */
  stop(): Promise<void>;
}

/** SQLite's own default: what the server's connection goes back to without the thread. */
export const DEFAULT_AUTOCHECKPOINT = 1000;

type FromThread =
  | { type: 'checkpoint'; restarted: boolean }
  | { type: 'restart-busy'; copied: boolean }
  | { type: 'restart-wanted' }
  | { type: 'restart-done' }
  | { type: 'error'; message: string; code?: string };

/** The longest the server's writes wait for one RESTART, whatever the thread does. */
const RESTART_HOLD_LIMIT_MS = 1000;

export function checkpointInThread(sqlite: SQLite.Database, file: string, options: CheckpointThreadOptions = {}): CheckpointThread {
  const restartFrames = options.restartFrames ?? 4000;
  const stats: CheckpointStats = { checkpoints: 0, restarts: 0, busyRestarts: 0 };
  const thread = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: {
      sqliteModule: createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
      intervalMs: options.intervalMs ?? 100,
      restartFrames,
      restartWaitMs: options.restartWaitMs ?? 50,
    },
  });
  // The server's connection checkpoints only if the WAL outgrows what the thread lets it reach
  // many times over: a thread that is alive but stuck (a disk that hangs) still cannot let it grow forever.
  sqlite.pragma(`wal_autocheckpoint = ${restartFrames * 10}`);
  let stopping = false;
  const ended = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  const betweenWrites = options.betweenWrites ?? ((work) => work());
  /** Ends the server's wait for the RESTART under way: when it is done, the thread ended, or the limit passed. */
  let restartDone: (() => void) | undefined;
  const restartInBetween = () =>
    betweenWrites(
      () =>
        new Promise<void>((resolve) => {
          const limit = setTimeout(() => finish(), RESTART_HOLD_LIMIT_MS);
          const finish = () => {
            clearTimeout(limit);
            restartDone = undefined;
            resolve();
          };
          restartDone = finish;
          thread.postMessage('restart');
        }),
    );
  thread.on('message', (message: FromThread) => {
    switch (message.type) {
      case 'error':
        return options.onError?.(Object.assign(new Error(`SQLite checkpoint failed: ${message.message}`), { code: message.code }));
      case 'restart-wanted':
        return void restartInBetween().catch((error: Error) => options.onError?.(error));
      case 'restart-done':
        return restartDone?.();
      case 'restart-busy':
        stats.busyRestarts++;
        if (message.copied) stats.checkpoints++;
        return;
      case 'checkpoint':
        stats.checkpoints++;
        if (message.restarted) stats.restarts++;
    }
  });
  thread.on('error', (error) => options.onError?.(new Error(`the SQLite checkpoint thread failed: ${error.message}`)));
  thread.once('exit', () => {
    restartDone?.();
    if (stopping) return;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    options.onError?.(new Error('the SQLite checkpoint thread stopped; the server checkpoints on its own connection again'));
  });
  // The thread must never keep a process alive that has nothing else to do (a CLI, a test).
  thread.unref();
  return {
    stats,
    thread,
    async stop() {
      stopping = true;
      // Referenced again while it ends: a process waiting only for this must not exit before it has.
      thread.ref();
      thread.postMessage('stop'); // nothing happens if the thread has ended already
      await ended;
    },
  };
}

/**
 * The thread's code: plain CommonJS, run with `eval` so that it needs no file of its own next to
 * the compiled modules (nor a TypeScript loader in tests). better-sqlite3 comes by the path the
 * server resolved. A failed checkpoint is reported and tried again at the next interval.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqliteModule);
const report = (error) => parentPort.postMessage({ type: 'error', message: String(error && error.message), code: error && error.code });

function open() {
  try {
    const db = new Database(workerData.file, { fileMustExist: true });
    db.pragma('busy_timeout = ' + workerData.restartWaitMs);
    return db;
  } catch (error) {
    // Said, then the thread ends (nothing keeps it alive): the server's connection takes over.
    report(error);
    parentPort.close();
    return undefined;
  }
}

function checkpointEvery(db) {
  let timer;
  let backfilled = -1;
  // A RESTART that found a reader still on the WAL held writers back for nothing: the next tries
  // wait 1, 2, 4… up to 30 s, so that a long reader (an export) cannot stall every write.
  let restartAfter = 0;
  let restartBackoffMs = 0;
  let restartAsked = false;
  // checkpointed counts every page copied since the WAL last started over: only a change is a checkpoint.
  function copiedMore(result) {
    const more = result.checkpointed > 0 && result.checkpointed !== backfilled;
    backfilled = result.checkpointed;
    return more;
  }
  function checkpoint() {
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      if (copiedMore(result)) parentPort.postMessage({ type: 'checkpoint', restarted: false });
      if (result.log >= workerData.restartFrames && !restartAsked && Date.now() >= restartAfter) {
        restartAsked = true;
        parentPort.postMessage({ type: 'restart-wanted' });
      }
    } catch (error) {
      report(error);
    }
    timer = setTimeout(checkpoint, workerData.intervalMs);
  }
  // The server is between two group commits and waits for this: RESTART, then say so at once.
  function restart() {
    try {
      const [result] = db.pragma('wal_checkpoint(RESTART)');
      const restarted = result.busy === 0;
      restartBackoffMs = restarted ? 0 : Math.min(30000, Math.max(1000, restartBackoffMs * 2));
      restartAfter = Date.now() + restartBackoffMs;
      if (restarted) {
        backfilled = -1;
        parentPort.postMessage({ type: 'checkpoint', restarted: true });
      } else {
        // Given up on a reader: a checkpoint too only if it copied pages the last one had not.
        parentPort.postMessage({ type: 'restart-busy', copied: copiedMore(result) });
      }
    } catch (error) {
      report(error);
    } finally {
      restartAsked = false;
      parentPort.postMessage({ type: 'restart-done' });
    }
  }
  parentPort.on('message', (message) => {
    if (message === 'restart') return restart();
    if (message !== 'stop') return;
    clearTimeout(timer);
    db.close();
    parentPort.close();
  });
  timer = setTimeout(checkpoint, workerData.intervalMs);
}

const db = open();
if (db) checkpointEvery(db);
`;
