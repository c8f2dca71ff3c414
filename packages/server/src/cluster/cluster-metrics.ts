import type { Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { WorkerMessage } from './messages.js';

type Part = MetricObjectWithValues<MetricValue<string>>[];

/** How long the primary waits for every worker's registry before the scrape fails (503). */
const COLLECT_TIMEOUT_MS = 3000;

interface Collection {
  waiting: Set<number>;
  parts: Part[];
  timer: NodeJS.Timeout;
  finish(error?: string): void;
}

/**
 * The primary's side of /metrics: a worker that receives the scrape asks here; the primary asks
 * every listening worker for its registry and sums them with prom-client's AggregatorRegistry
 * (counters and histograms add up; each metric's own aggregator decides for gauges such as the
 * event-loop lag). The primary adds its own two series: workers listening and workers replaced.
 */
export class ClusterMetrics {
  readonly registry = new Registry();
  readonly listening = new Gauge({ name: 'latchkey_cluster_workers', help: 'serve worker processes listening', registers: [this.registry] });
  readonly restarts = new Counter({
    name: 'latchkey_cluster_worker_restarts_total',
    help: 'serve worker processes that exited unexpectedly and were replaced',
    registers: [this.registry],
  });
  private readonly collections = new Map<number, Collection>();
  private next = 0;

  constructor(private readonly workers: () => Worker[]) {}

  /** A message from `from`; true when it was one of the metrics messages. */
  handle(from: Worker, message: WorkerMessage): boolean {
    if (message.latchkey === 'metrics?') {
      this.collect(from, message.id);
      return true;
    }
    if (message.latchkey === 'registry') {
      const collection = this.collections.get(message.id);
      if (collection?.waiting.delete(from.id)) {
        collection.parts.push(message.metrics);
        if (collection.waiting.size === 0) collection.finish();
      }
      return true;
    }
    return false;
  }

  /** A worker that exits mid-collection no longer owes its part (its counts went with it). */
  forget(worker: Worker): void {
    for (const collection of this.collections.values()) {
      if (collection.waiting.delete(worker.id) && collection.waiting.size === 0) collection.finish();
    }
  }

  private collect(requester: Worker, requestId: number): void {
    const id = this.next++;
    const workers = this.workers();
    const collection: Collection = {
      waiting: new Set(workers.map((worker) => worker.id)),
      parts: [],
      timer: setTimeout(() => collection.finish('a worker did not answer in time'), COLLECT_TIMEOUT_MS),
      finish: (error) => {
        if (!this.collections.delete(id)) return;
        clearTimeout(collection.timer);
        const reply = (answer: { text?: string; error?: string }) => {
          if (requester.isConnected()) requester.send({ latchkey: 'metrics', id: requestId, ...answer });
        };
        if (error) return reply({ error });
        Promise.all([AggregatorRegistry.aggregate(collection.parts).metrics(), this.registry.metrics()]).then(
          ([workersText, primaryText]) => reply({ text: `${workersText}${primaryText}` }),
          (failure: unknown) => reply({ error: failure instanceof Error ? failure.message : String(failure) }),
        );
      },
    };
    this.collections.set(id, collection);
    for (const worker of workers) worker.send({ latchkey: 'registry?', id });
    if (workers.length === 0) collection.finish();
  }
}
