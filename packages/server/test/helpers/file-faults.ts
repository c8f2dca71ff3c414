import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real file-system faults for SQLite stores. The suite runs as root, and root ignores permission
 * bits, so "read-only" is made the way it binds root too: the immutable attribute (`chattr +i`),
 * or a file system mounted read-only. "Full" is a small tmpfs filled to the last byte. Each needs
 * root (CAP_LINUX_IMMUTABLE, CAP_SYS_ADMIN); without it the test fails and says so.
 */

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`${command} ${args.join(' ')} failed (these tests need root with CAP_SYS_ADMIN and CAP_LINUX_IMMUTABLE): ${stderr.trim()}`);
  }
}

/** The SQLite file and its WAL companions (the ones that exist). */
export const sqliteFiles = (file: string): string[] => [file, `${file}-wal`, `${file}-shm`].filter((path) => existsSync(path));

/** Sets (true) or clears (false) the immutable attribute: not even root can write the file then. */
export function setImmutable(paths: string[], on: boolean): void {
  if (paths.length > 0) run('chattr', [on ? '+i' : '-i', ...paths]);
}

export interface SmallFileSystem {
  dir: string;
  /** Writes a filler file until the file system has no byte left. */
  fill(): void;
  /** Deletes the filler. */
  free(): void;
  remount(mode: 'ro' | 'rw'): void;
  /** Unmounts (lazily, so open files of a stopped server do not block it) and removes the mount point. */
  remove(): void;
}

/** A tmpfs of `sizeKb` kilobytes, mounted for one test. */
export function smallFileSystem(sizeKb: number): SmallFileSystem {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-fs-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(16 * 1024, 1);
      try {
        for (;;) writeFileSync(filler, chunk, { flag: 'a' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      // The last partial block, byte by byte-ish, so that not even one page is left.
      try {
        for (;;) writeFileSync(filler, Buffer.alloc(512, 1), { flag: 'a' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    remount(mode) {
      run('mount', ['-o', `remount,${mode}`, dir]);
    },
    remove() {
      run('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
