import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, killAllCliProcesses, runCli, runCliJson } from '../helpers/cli-process.js';
import { setImmutable, smallFileSystem, sqliteFiles, type SmallFileSystem } from '../helpers/file-faults.js';

/**
 * `latchkey serve` on a SQLite store it cannot use refuses to start: one line on stderr that names
 * the problem and the fix, a documented non-zero exit code (docs/operations.md), never a stack
 * trace, never a server that answers every login with an error.
 */

const EXIT_CONFIG = 2;
const EXIT_STORE = 4;

let dir: string;
const cleanups: Array<() => void> = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-refusals-'));
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
afterAll(() => {
  killAllCliProcesses();
  rmSync(dir, { recursive: true, force: true });
});

const serve = (db: string) => runCli(['serve'], { db, cwd: dir, env: { LATCHKEY_PORT: '0' } });

/** A store with Latchkey's tables, made by `latchkey migrate`. */
async function migratedStore(file: string): Promise<void> {
  await runCliJson(['migrate'], { db: `file:${file}`, cwd: dir });
}

describe('a store it cannot write', () => {
  it('an immutable database file (read-only even for root): exit 4, naming the file and `chattr -i`', async () => {
    const file = join(dir, 'immutable.sqlite');
    await migratedStore(file);
    setImmutable(sqliteFiles(file), true);
    cleanups.push(() => setImmutable(sqliteFiles(file), false));
    expectRefusal(await serve(`file:${file}`), EXIT_STORE, /the database cannot be written: \S*immutable\.sqlite is immutable .*chattr -i/);
  });

  it('a file system mounted read-only: exit 4, "mounted read-only"', async () => {
    const fs: SmallFileSystem = smallFileSystem(2048);
    cleanups.push(() => fs.remove());
    const file = join(fs.dir, 'latchkey.sqlite');
    await migratedStore(file);
    fs.remount('ro');
    expectRefusal(await serve(`file:${file}`), EXIT_STORE, /the database cannot be written: the file system holding \S+ is mounted read-only/);
  });

  it('a full file system: exit 4, "no space left"', async () => {
    const fs: SmallFileSystem = smallFileSystem(2048);
    cleanups.push(() => fs.remove());
    const file = join(fs.dir, 'latchkey.sqlite');
    await migratedStore(file);
    fs.fill();
    expectRefusal(await serve(`file:${file}`), EXIT_STORE, /the database cannot be written: the file system holding \S+ has no space left .*free space/);
  });
});

describe('a path or file that is no database', () => {
  it('a corrupt database file: exit 4, "corrupt", restore from a backup', async () => {
    const file = join(dir, 'corrupt.sqlite');
    writeFileSync(file, Buffer.concat([Buffer.from('not a database at all\n'), randomBytes(16 * 1024)]));
    expectRefusal(await serve(`file:${file}`), EXIT_STORE, /the database is corrupt or not a Latchkey database .*corrupt\.sqlite.*backup/);
  });

  it('a path under /proc: exit 2, names /proc', async () => {
    expectRefusal(await serve('file:/proc/latchkey.sqlite'), EXIT_CONFIG, /LATCHKEY_DATABASE_URL points into \/proc/);
  });

  it('a device (/dev/null): exit 2, and nothing is created beside it', async () => {
    expectRefusal(await serve('file:/dev/null'), EXIT_CONFIG, /LATCHKEY_DATABASE_URL points into \/dev/);
    expect(existsSync('/dev/null-wal')).toBe(false);
  });

  it('a directory: exit 2', async () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expectRefusal(await serve(`file:${sub}`), EXIT_CONFIG, /which is a directory, not a database file/);
  });

  it('a path through a file: exit 2', async () => {
    const plain = join(dir, 'plain.txt');
    writeFileSync(plain, 'x');
    expectRefusal(await serve(`file:${plain}/latchkey.sqlite`), EXIT_CONFIG, /cannot create the directory .*a part of the path is a file/);
  });
});
