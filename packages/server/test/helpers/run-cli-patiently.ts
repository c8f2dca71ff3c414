import { startCli, type Run, type RunOptions } from './cli-process.js';

/**
 * runCli with a longer leash: each run starts Node and opens the store, and on a shared 2-core
 * machine under load that alone can take longer than runCli's 20 s. A command that never returns
 * still fails (killed after `killAfterMs`) rather than hanging the suite.
 */
export function runCliPatiently(args: string[], options: RunOptions, killAfterMs = 150_000): Promise<Run> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
