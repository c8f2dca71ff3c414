import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { PasskeyEventRow } from './record-event.js';

export interface EventQueueOptions {
  /** Milliseconds an event may wait before it is written; 0 writes each event at once (no queue). */
  flushMs: number;
  /** A batch this large is written at once, without waiting for the timer. */
  batch?: number;
  log?: Logger;
}

const DEFAULT_BATCH = 200;
/** Past this many unwritten events (the store is away), the oldest are dropped and the loss logged. */
const MAX_PENDING = 20_000;

/**
 * Write-behind for the audit trail's refusals (token-refused, login-failed, append-failed): they are
 * gathered for at most `flushMs` (or `batch` events) and written in one INSERT, instead of costing a
 * statement and a commit each. Successes never come through here: a login's and a verification's
 * events are written in the transaction that spends the challenge or the token.
 *
 * What a crash can lose: the refusals queued in the last `flushMs` (nothing else). A graceful stop
 * (SIGTERM, `close()`) writes them all first. Reads of the trail through this instance flush first,
 * so they see every event this instance recorded.
 */
export class EventQueue {
  private pending: PasskeyEventRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Rows taken from `pending` whose INSERT has not finished yet. */
  private inFlight = 0;
  private readonly batch: number;

  constructor(
    private readonly store: Store,
    private readonly options: EventQueueOptions,
  ) {
    this.batch = options.batch ?? DEFAULT_BATCH;
  }

  /** Whether events wait at all (flushMs 0: every event is written by the request that records it). */
  get defers(): boolean {
    return this.options.flushMs > 0;
  }

  /**
   * Events recorded but not yet written, counting those whose write is under way: a success that
   * must come after them in the trail waits for that write too (flush), not only for the queue.
   */
  get size(): number {
    return this.pending.length + this.inFlight;
  }

  enqueue(row: PasskeyEventRow): void {
    this.pending.push(row);
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.options.log?.error({ dropped: dropped.length }, 'audit events dropped: the database has not accepted writes for too long');
    }
    if (this.pending.length >= this.batch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
  }

  /** Writes every event queued so far; resolves once they are in the store (or their write failed and was logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeAll());
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const rows = this.pending.splice(0, this.batch);
      this.inFlight = rows.length;
      try {
        await this.store.db.insertInto('passkey_events').values(rows).execute();
      } catch (error) {
        // Kept for the next flush (the store may be back by then), in their order.
        this.pending.unshift(...rows);
        this.options.log?.warn({ err: error, pending: this.pending.length }, 'audit events could not be written yet; retrying');
        this.timer ??= setTimeout(() => void this.flush(), Math.max(this.options.flushMs, 1000)).unref();
        return;
      } finally {
        this.inFlight = 0;
      }
    }
  }

  /** At shutdown, after the last request: writes what is queued; what cannot be written is logged as lost. */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length > 0) {
      this.options.log?.error({ lost: this.pending.length }, 'audit events lost at shutdown: the database did not accept them');
      this.pending = [];
    }
  }
}
