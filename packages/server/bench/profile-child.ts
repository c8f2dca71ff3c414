/**
 * The server process of `bench:profile` and `bench:perf` (bench/profile-server.ts), forked with
 * the given node flags, and the IPC that drives it. Their knobs are read here too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromServer, Reply, ToServer } from './profile-server.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A positive whole number from the environment, or `fallback`. */
export function knob(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
}

export interface ProfileChild {
  process: ChildProcess;
  ready: Promise<Extract<FromServer, { ready: true }>>;
  ask(cmd: ToServer['cmd']): Promise<Reply>;
}

/**
 * The profiled server, talked to over IPC. Its stdout is dropped: it says nothing there (it logs
 * into /dev/null), but with bench:perf's `--perf-basic-prof` Node 20's V8 writes part of its
 * code-event log (`new,MemoryChunk,…` lines) to stdout despite `--logfile`, which buried the report.
 */
export function forkProfileServer(nodeFlags: string[]): ProfileChild {
  const child = fork(join(HERE, 'profile-server.ts'), [], { execArgv: ['--import', 'tsx', ...nodeFlags], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: process.env });
  let nextId = 1;
  const waiting = new Map<number, (message: Reply) => void>();
  const ready = new Promise<Extract<FromServer, { ready: true }>>((resolve, reject) => {
    child.on('message', (message: FromServer) => {
      if ('ready' in message) return resolve(message);
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    });
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it was ready`)));
  });
  const ask = (cmd: ToServer['cmd']) =>
    new Promise<Reply>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ id, cmd } satisfies ToServer);
    });
  return { process: child, ready, ask };
}
