import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time and memory of a server process and all its descendants (cluster workers), read from
 * /proc, so that the figure is the server's own whatever the load side does. CPU time counts the
 * ticks the kernel charged to the processes: it does not depend on how busy the machine is, which
 * makes CPU ms per operation the most robust figure on a shared machine.
 */

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface StatLine {
  ppid: number;
  /** utime + stime, in ms. */
  cpuMs: number;
}

function readStat(pid: number, path = `/proc/${pid}/stat`): StatLine | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const ticks = Number(rest[11]) + Number(rest[12]);
    return { ppid, cpuMs: (ticks * 1000) / CLOCK_TICKS };
  } catch {
    return undefined; // gone in the meantime
  }
}

/** The pid and every live descendant of it. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const list = parents.get(stat.ppid) ?? [];
    list.push(pid);
    parents.set(stat.ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return tree;
}

/** CPU ms (user + system) of a process and its live descendants. */
export function treeCpuMs(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (readStat(pid)?.cpuMs ?? 0), 0);
}

/** Resident set size in bytes of a process and its live descendants. */
export function treeRssBytes(root: number): number {
  return processTree(root).reduce((sum, pid) => {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return sum + (match ? Number(match[1]) * 1024 : 0);
    } catch {
      return sum;
    }
  }, 0);
}

/** Whether util-linux `taskset` is on this machine. */
export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Binds every thread of this process (the load generator) to `cores`, e.g. "1". */
export function pinSelf(cores: string): boolean {
  if (!hasTaskset) return false;
  try {
    execFileSync('taskset', ['-a', '-cp', cores, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The command line that runs `argv` on `cores` (as is when taskset is missing). */
export const onCores = (cores: string, argv: string[]): string[] => (hasTaskset ? ['taskset', '-c', cores, ...argv] : argv);

/** Processes whose command line contains `needle`: the PostgreSQL backends serving one database. */
export function pidsWithCmdline(needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) found.push(pid);
    } catch {
      // gone in the meantime
    }
  }
  return found;
}

/** CPU ms of each of these processes now (no descendants). */
export function cpuMsOf(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, readStat(pid)?.cpuMs ?? 0]));
}

/** CPU spent since `before` by the processes alive now (one born in between counts from 0). */
export function cpuMsSince(before: Map<number, number>, pids: number[]): number {
  return pids.reduce((sum, pid) => sum + Math.max(0, (readStat(pid)?.cpuMs ?? 0) - (before.get(pid) ?? 0)), 0);
}

/** CPU ms of a process's main thread and of all its other threads (libuv's pool, V8's, workers). */
export function threadCpuMs(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { main, others };
  }
  for (const tid of tids) {
    const cpuMs = readStat(Number(tid), `/proc/${pid}/task/${tid}/stat`)?.cpuMs ?? 0;
    if (Number(tid) === pid) main += cpuMs;
    else others += cpuMs;
  }
  return { main, others };
}

/**
 * Gives a process's main thread a core of its own: the main thread on `mainCore`, every other
 * thread of it on `otherCores`. A sampling profiler charges the main thread's wall time to the
 * function it was in, so a thread of the same process taking its core (a crypto job on libuv's
 * pool, the checkpoint thread) shows up as time in whatever the main thread was running; apart,
 * each sample is the main thread's own work. Threads born later inherit the main thread's core.
 */
export function isolateMainThread(pid: number, mainCore: string, otherCores: string): boolean {
  if (!hasTaskset) return false;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      execFileSync('taskset', ['-cp', Number(tid) === pid ? mainCore : otherCores, tid], { stdio: 'ignore' });
    }
    return true;
  } catch {
    return false;
  }
}
