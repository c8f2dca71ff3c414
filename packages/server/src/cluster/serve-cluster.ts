import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type pino from 'pino';
import type { Failure } from '../cli/describe-failure.js';
import type { Config } from '../config/config.js';
import { EXIT, OperatorError, type ExitCode } from '../errors/exit-codes.js';
import { prepareStore } from '../server.js';
import { explainStoreFault } from '../store/explain-store-fault.js';
import { openStore } from '../store/store.js';
import { ClusterMetrics } from './cluster-metrics.js';
import { isClusterMessage, type WorkerMessage } from './messages.js';
import { RestartPolicy } from './restart-policy.js';

/** Beyond the request timeout, how long a draining worker may take before it is killed. */
const DRAIN_GRACE_MS = 5000;

interface Slot {
  /** Slot 0's worker runs housekeeping; its replacement inherits the slot, and the duty. */
  index: number;
  worker?: Worker;
  listeningSince?: number;
  failure?: Failure;
}

/**
 * The primary of `latchkey serve --workers N`: prepares the store once (migrations, the
 * key-encryption key, the readiness check), then forks N workers that share the listening socket
 * (node:cluster; the primary accepts connections and hands them out in turn). It serves nothing
 * itself; it replaces workers that die, gives up on a crash loop, drains every worker on stop, and
 * collects /metrics for whichever worker is asked.
 */
export class ServeCluster {
  private readonly slots: Slot[];
  private readonly metrics = new ClusterMetrics(() => this.listeningWorkers());
  private readonly restarts = new RestartPolicy();
  private keyEncryptionKey: string | undefined;
  private url = '';
  private starting: { resolve: (started: boolean) => void; reject: (error: unknown) => void } | undefined;
  private stopping: Promise<ExitCode> | undefined;
  private stopCode: ExitCode = EXIT.ok;
  private allExited: (() => void) | undefined;
  private givenUp: ((failure: Failure) => void) | undefined;
  /** Resolves when the workers keep failing and the cluster has stopped: print the line, exit with the code. */
  readonly failed = new Promise<Failure>((resolve) => (this.givenUp = resolve));

  constructor(
    private readonly config: Config,
    private readonly options: { workers: number; logger: pino.Logger; logsToStderr: boolean },
  ) {
    this.slots = Array.from({ length: options.workers }, (_, index) => ({ index }));
  }

  get listeningUrl(): string {
    return this.url;
  }

  /** True once every worker listens; false when a stop came first. A worker's start failure rejects with the CLI's one line. */
  async start(): Promise<boolean> {
    await this.prepareOnce();
    if (this.stopping) return false;
    cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker-main.js', import.meta.url)), args: [] });
    return new Promise<boolean>((resolve, reject) => {
      this.starting = { resolve, reject };
      for (const slot of this.slots) this.fork(slot);
    });
  }

  /** Drains every worker (each finishes its requests in flight); resolves with the exit code. */
  stop(reason: string): Promise<ExitCode> {
    if (this.stopping) return this.stopping;
    this.options.logger.info({ reason, workers: this.liveWorkers().length }, 'stopping: every worker finishes its requests in flight');
    this.stopping = new Promise<ExitCode>((resolve) => {
      const force = setTimeout(() => {
        this.options.logger.error('workers did not finish in time; killing them');
        this.stopCode = EXIT.unexpected;
        for (const worker of this.liveWorkers()) worker.process.kill('SIGKILL');
      }, this.config.requestTimeout + DRAIN_GRACE_MS);
      this.allExited = () => {
        clearTimeout(force);
        resolve(this.stopCode);
      };
      for (const worker of this.liveWorkers()) worker.process.kill('SIGTERM');
      this.checkAllExited();
    });
    this.starting?.resolve(false);
    return this.stopping;
  }

  private async prepareOnce(): Promise<void> {
    const { config, options } = this;
    const store = openStore(config.databaseUrl, { poolSize: config.databasePoolSize, timeout: config.databaseTimeout, synchronous: config.sqliteSynchronous });
    try {
      const ctx = await prepareStore(config, store, options.logger);
      this.keyEncryptionKey = ctx.keyEncryptionKey ? Buffer.from(ctx.keyEncryptionKey).toString('base64') : undefined;
    } catch (error) {
      throw explainStoreFault(error, store.describe);
    } finally {
      await store.close();
    }
  }

  private fork(slot: Slot): void {
    const worker = cluster.fork();
    slot.worker = worker;
    slot.listeningSince = undefined;
    slot.failure = undefined;
    worker.on('message', (message: unknown) => {
      if (isClusterMessage<WorkerMessage>(message)) this.onMessage(slot, worker, message);
    });
    worker.on('exit', (code, signal) => this.onExit(slot, worker, code, signal));
    // A message to a worker that has just died fails here; its 'exit' handles the rest.
    worker.on('error', (error: Error) => this.options.logger.warn({ err: error, worker: worker.id }, 'could not reach a worker'));
  }

  private onMessage(slot: Slot, worker: Worker, message: WorkerMessage): void {
    if (this.metrics.handle(worker, message)) return;
    switch (message.latchkey) {
      case 'hello':
        worker.send({ latchkey: 'start', housekeeping: slot.index === 0, logsToStderr: this.options.logsToStderr, ...(this.keyEncryptionKey ? { keyEncryptionKey: this.keyEncryptionKey } : {}) });
        break;
      case 'listening':
        slot.listeningSince = Date.now();
        this.url = message.url;
        this.metrics.listening.set(this.listeningWorkers().length);
        if (this.starting && this.slots.every((s) => s.listeningSince !== undefined)) {
          this.starting.resolve(true);
          this.starting = undefined;
        }
        break;
      case 'failed':
        slot.failure = { line: message.line, exitCode: message.exitCode };
        if (this.starting) this.abortStart(slot.failure);
        break;
    }
  }

  private onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    this.metrics.forget(worker);
    if (slot.worker === worker) slot.worker = undefined;
    this.metrics.listening.set(this.listeningWorkers().length);
    if (this.stopping) {
      // A worker still loading when the stop came has no handler yet and dies of the SIGTERM itself: nothing was in flight.
      const unstarted = signal === 'SIGTERM' && slot.listeningSince === undefined;
      if (code !== 0 && !unstarted) this.stopCode = EXIT.unexpected;
      this.checkAllExited();
      return;
    }
    const failure = slot.failure ?? { line: `a worker exited ${signal ? `on ${signal}` : `with code ${code}`}`, exitCode: EXIT.unexpected };
    if (this.starting) return this.abortStart(failure);
    const now = Date.now();
    const delay = this.restarts.delayAfterExit(now, slot.listeningSince);
    if (delay === undefined) {
      const reason = `workers keep failing (${this.restarts.describe()}); the last: ${failure.line}`;
      this.options.logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, reason);
      void this.stop('workers keep failing').then(() => this.givenUp?.({ line: reason, exitCode: failure.exitCode === EXIT.ok ? EXIT.unexpected : failure.exitCode }));
      return;
    }
    this.metrics.restarts.inc();
    this.options.logger.warn({ worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay }, 'a worker exited; starting a replacement');
    setTimeout(() => {
      if (!this.stopping) this.fork(slot);
    }, delay);
  }

  /** One worker that cannot start means none can (the same port, store and build): stop the rest, say why once. */
  private abortStart(failure: Failure): void {
    const { reject } = this.starting!;
    this.starting = undefined;
    void this.stop('a worker failed to start').then(() => reject(new OperatorError(failure.line, failure.exitCode as ExitCode)));
  }

  private checkAllExited(): void {
    if (this.allExited && this.liveWorkers().length === 0) this.allExited();
  }

  private liveWorkers(): Worker[] {
    return this.slots.flatMap((slot) => (slot.worker ? [slot.worker] : []));
  }

  private listeningWorkers(): Worker[] {
    return this.slots.flatMap((slot) => (slot.worker && slot.listeningSince !== undefined && slot.worker.isConnected() ? [slot.worker] : []));
  }
}
