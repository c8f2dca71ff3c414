import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServingLatchkey {
  url: string;
  child: ChildProcess;
  /** Everything it logged (stderr), for failure messages. */
  logs(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `latchkey serve --json` through `node_modules/.bin/latchkey` in `cwd` (what `npx latchkey` runs;
 * started directly so that SIGTERM reaches Latchkey itself, not npx in between): resolves with the
 * URL it prints once listening.
 */
export function serveFrom(cwd: string, env: NodeJS.ProcessEnv): Promise<ServingLatchkey> {
  const child = spawn(join(cwd, 'node_modules', '.bin', 'latchkey'), ['serve', '--json'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`latchkey serve exited ${code} before listening\n${stdout}\n${stderr}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || !line) return;
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        child,
        logs: () => stderr,
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
