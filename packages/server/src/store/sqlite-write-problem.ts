import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the file system says about writing a SQLite file, in words an operator can act on. SQLite
 * reports a read-only mount as "unable to open database file" (it cannot create its -wal file) and
 * an immutable or full one as "disk I/O error"; access(2) and statfs(2) tell them apart, for root
 * too (a read-only mount answers EROFS, an immutable file EPERM).
 */
export function sqliteWriteProblem(file: string): { problem: string; cause: 'read_only' | 'disk_full' } | undefined {
  const dir = dirname(file);
  for (const path of [file, `${file}-wal`, dir]) {
    if (!existsSync(path)) continue;
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EROFS') return { cause: 'read_only', problem: `the file system holding ${dir} is mounted read-only` };
      if (code === 'EPERM') return { cause: 'read_only', problem: `${path} is immutable (\`lsattr\` shows it; \`chattr -i\` clears it)` };
      if (code === 'EACCES') return { cause: 'read_only', problem: `${path} is not writable by this user` };
    }
  }
  try {
    if (statfsSync(dir).bavail === 0) return { cause: 'disk_full', problem: `the file system holding ${dir} has no space left` };
  } catch {
    // No answer from statfs: nothing more to say than SQLite did.
  }
  return undefined;
}
