import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LatencyRecorder } from '../ops/latency-recorder.js';
import type { Store } from '../store/store.js';

/**
 * Prometheus metrics of one server. Each server owns its registry (not prom-client's global one),
 * so several servers in one process — as in the test suite — do not collide.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'latchkey_http_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'latchkey_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly ceremonies = new Counter({
    name: 'latchkey_ceremonies_total',
    help: 'Finished WebAuthn ceremonies, by kind (append, login) and outcome (ok or the refusal code)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly verifications = new Counter({
    name: 'latchkey_signed_data_verifications_total',
    help: 'verifySignedData answers, by verificationResult',
    labelNames: ['result'],
    registers: [this.registry],
  });

  readonly storeFailures = new Counter({
    name: 'latchkey_store_failures_total',
    help: 'Requests answered 503 because the database was away (store_unavailable) or too slow (store_timeout)',
    labelNames: ['code'],
    registers: [this.registry],
  });
  /** This process's latencies per route family since the last ops sample (the console's latency chart). */
  readonly latency = new LatencyRecorder();
  readonly prunedRows = new Counter({
    name: 'latchkey_housekeeping_pruned_rows_total',
    help: 'Expired rows removed by housekeeping, by table',
    labelNames: ['table'],
    registers: [this.registry],
  });

  /**
   * The text GET /metrics answers: this registry's. A cluster worker replaces it with the counts
   * of all workers, which it asks the primary for (cluster/metrics-from-primary.ts).
   */
  render: () => Promise<string> = () => this.registry.metrics();

  constructor(store?: Store) {
    collectDefaultMetrics({ register: this.registry, prefix: 'latchkey_' });
    const groups = store?.commitGroups;
    if (groups) {
      // How many writes share a commit (members ÷ commits): see "Group commit" in docs/operations.md.
      const counted = (name: string, help: string, read: () => number) =>
        new Counter({
          name,
          help,
          registers: [this.registry],
          collect() {
            this.reset();
            this.inc(read());
          },
        });
      counted('latchkey_store_group_commits_total', 'SQLite commits of this process; each carries the writes of every request that was ready (group commit)', () => groups().commits);
      counted('latchkey_store_group_commit_members_total', 'Transactions and single writes committed by SQLite group commits of this process', () => groups().members);
      const checkpoints = store?.checkpoints;
      if (checkpoints) {
        counted('latchkey_store_checkpoints_total', 'SQLite WAL checkpoints that copied pages, run by the checkpoint thread of this process', () => checkpoints().checkpoints);
        counted('latchkey_store_wal_restarts_total', 'RESTART checkpoints of this process that started the SQLite WAL over', () => checkpoints().restarts);
        counted(
          'latchkey_store_wal_restarts_busy_total',
          'RESTART checkpoints of this process that gave up because another connection was still reading the SQLite WAL (tried again after 1-30 s)',
          () => checkpoints().busyRestarts,
        );
      }
    }
    const pool = store?.pool;
    if (pool) {
      // What pool sizing needs: connections open, idle, and requests waiting for one.
      new Gauge({
        name: 'latchkey_store_pool_connections',
        help: 'PostgreSQL pool connections of this instance, by state (open, idle, waiting = requests queued for a connection)',
        labelNames: ['state'],
        registers: [this.registry],
        collect() {
          const stats = pool();
          this.set({ state: 'open' }, stats.total);
          this.set({ state: 'idle' }, stats.idle);
          this.set({ state: 'waiting' }, stats.waiting);
        },
      });
    }
  }
}
