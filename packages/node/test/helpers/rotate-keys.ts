import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `latchkey keys rotate` on the server's database, as an operator runs it: a real CLI process. */
export async function rotateKeys(databaseUrl: string, projectId: string): Promise<{ active: string; rotated: string[] }> {
  const cli = fileURLToPath(new URL('../bin/latchkey.js', import.meta.resolve('@latchkey/server')));
  const { stdout } = await run(process.execPath, [cli, 'keys', 'rotate', '--project', projectId, '--json'], {
    env: { ...process.env, LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_LOG_LEVEL: 'warn' },
  });
  return JSON.parse(stdout) as { active: string; rotated: string[] };
}
