import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/**
 * What the primary and its workers tell each other over the cluster's IPC channel. Every message
 * carries `latchkey` (its kind), so prom-client's or Node's own messages are never mistaken for ours.
 */
export type PrimaryMessage =
  /** The answer to `hello`: what the primary prepared once for every worker. */
  | { latchkey: 'start'; keyEncryptionKey?: string; housekeeping: boolean; logsToStderr: boolean }
  /** The primary collects every worker's registry to answer one /metrics request. */
  | { latchkey: 'registry?'; id: number }
  /** The aggregated /metrics text a worker asked for, or why there is none. */
  | { latchkey: 'metrics'; id: number; text?: string; error?: string };

export type WorkerMessage =
  /** Sent once the worker listens for `start` (a message sent earlier could be lost). */
  | { latchkey: 'hello' }
  | { latchkey: 'listening'; url: string }
  /** A start that failed, in the CLI's terms: the primary prints the line once and exits with the code. */
  | { latchkey: 'failed'; line: string; exitCode: number }
  | { latchkey: 'metrics?'; id: number }
  | { latchkey: 'registry'; id: number; metrics: Array<MetricObjectWithValues<MetricValue<string>>> };

/** One of ours (the other side is trusted to send only the kinds above). */
export function isClusterMessage<T extends PrimaryMessage | WorkerMessage>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { latchkey?: unknown }).latchkey === 'string';
}
