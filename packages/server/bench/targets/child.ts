import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onCores } from '../lib/proc.js';

export interface Child {
  process: ChildProcess;
  /** The one JSON line the server prints on stdout once it listens. */
  ready: Record<string, any>;
  stop(): Promise<void>;
}

/**
 * Starts a server on `cores` and waits for its JSON "listening" line. stderr (the logs) goes to
 * /dev/null: logging costs the server what it costs in production, without filling the report.
 */
export async function startChild(argv: string[], options: { cores: string; env: NodeJS.ProcessEnv; cwd: string }): Promise<Child> {
  const [command, ...args] = onCores(options.cores, argv);
  const child = spawn(command!, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, any>>((resolve, reject) => {
    const fail = (error: Error) => {
      child.kill('SIGKILL'); // a server that never came up must not outlive the bench
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`${argv.join(' ')}: not listening after 120 s`)), 120_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Record<string, any>);
      } catch {
        fail(new Error(`${argv.join(' ')}: expected one JSON line, got ${line}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')} exited with ${code} before listening`));
    });
  });
  lines.on('line', () => {}); // keep draining stdout
  return {
    process: child,
    ready,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
