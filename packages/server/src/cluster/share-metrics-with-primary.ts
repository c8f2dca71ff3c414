import { LatchkeyError } from '../errors/latchkey-error.js';
import type { Metrics } from '../metrics/metrics.js';
import { isClusterMessage, type PrimaryMessage, type WorkerMessage } from './messages.js';

/** Longer than the primary's own wait for the other workers, so its answer (or error) comes first. */
const ANSWER_TIMEOUT_MS = 5000;

/**
 * In a cluster worker: the worker's registry goes to the primary whenever it collects, and
 * GET /metrics, whichever worker receives it, answers the sum over all workers (with the primary's
 * own counts) as the primary aggregated it. A scrape therefore never sees one worker's share only;
 * when the primary cannot answer, /metrics is 503 rather than a partial count.
 */
export function shareMetricsWithPrimary(metrics: Metrics, send: (message: WorkerMessage) => void): void {
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let next = 0;
  const unavailable = (why: string) => new LatchkeyError(503, 'metrics_unavailable', `the metrics of all workers could not be collected (${why}); retry shortly`, { 'retry-after': '1' });

  process.on('message', (message: unknown) => {
    if (!isClusterMessage<PrimaryMessage>(message)) return;
    if (message.latchkey === 'registry?') {
      void metrics.registry.getMetricsAsJSON().then((json) => send({ latchkey: 'registry', id: message.id, metrics: json }));
    } else if (message.latchkey === 'metrics') {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.text !== undefined) waiting.resolve(message.text);
      else waiting.reject(unavailable(message.error ?? 'no answer'));
    }
  });

  metrics.render = () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(unavailable('the primary did not answer in time'));
      }, ANSWER_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      send({ latchkey: 'metrics?', id });
    });
}
