import cluster from 'node:cluster';
import { serverLogger } from '../logging/log-destination.js';
import { describeFailure } from '../cli/describe-failure.js';
import { stopGracefully } from '../cli/stop-gracefully.js';
import { loadConfig } from '../config/config.js';
import { startServer, type RunningServer } from '../server.js';
import { isClusterMessage, type PrimaryMessage, type WorkerMessage } from './messages.js';
import { shareMetricsWithPrimary } from './share-metrics-with-primary.js';

/**
 * One worker of `latchkey serve --workers N` (started by the primary with node:cluster, never by
 * hand). The primary has already migrated the store, resolved the key-encryption key and checked
 * readiness; the worker builds the HTTP server on the shared port. It stops gracefully on SIGTERM
 * (the primary forwards its own), on SIGINT (a terminal's Ctrl-C reaches every process), and when
 * the primary is gone (the IPC channel closes).
 */

if (!cluster.isWorker || !process.send) {
  process.stderr.write('latchkey: this file is a worker of `latchkey serve --workers N`; run that instead\n');
  process.exit(2);
}

const send = (message: WorkerMessage, then?: () => void) => {
  if (process.connected) process.send!(message, undefined, {}, () => then?.());
  else then?.();
};

let server: RunningServer | undefined;
let stopping = false;
const stop = (reason: string) => {
  if (stopping) return;
  stopping = true;
  if (server) stopGracefully(server, reason); // else: as soon as it has started
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.on('disconnect', () => stop('the primary process is gone'));

const start = await new Promise<Extract<PrimaryMessage, { latchkey: 'start' }>>((resolve) => {
  process.on('message', (message: unknown) => {
    if (isClusterMessage<PrimaryMessage>(message) && message.latchkey === 'start') resolve(message);
  });
  send({ latchkey: 'hello' });
});

try {
  const config = loadConfig();
  // Every line says which worker wrote it (pino adds the pid).
  const logger = serverLogger(config.logLevel, start.logsToStderr ? 2 : 1).child({ worker: cluster.worker!.id });
  server = await startServer(config, {
    logger,
    prepared: { keyEncryptionKey: start.keyEncryptionKey ? new Uint8Array(Buffer.from(start.keyEncryptionKey, 'base64')) : undefined },
    housekeeping: start.housekeeping,
    adaptMetrics: (metrics) => shareMetricsWithPrimary(metrics, send),
  });
  logger.info({ url: server.url, housekeeping: start.housekeeping }, 'worker listening');
  send({ latchkey: 'listening', url: server.url });
  if (stopping) stopGracefully(server, 'a signal during start-up');
} catch (error) {
  // The primary prints the line once for the whole cluster and exits with the code.
  const { line, exitCode } = describeFailure(error);
  if (!process.connected) process.stderr.write(`latchkey: ${line}\n`);
  send({ latchkey: 'failed', line, exitCode }, () => process.exit(exitCode));
}
