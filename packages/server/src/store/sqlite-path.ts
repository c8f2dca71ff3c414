import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { StoreUrlError } from './store.js';

/** Kernel file systems: SQLite would fail on them in confusing ways, or (as root) litter /dev. */
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];
/** Memory-backed and writable, a legitimate (if volatile) home for a database. */
const ALLOWED_UNDER_SPECIAL = ['/dev/shm'];

const under = (path: string, root: string) => path === root || path.startsWith(root + sep);

function kindOf(path: string): string {
  const stat = statSync(path);
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isFIFO()) return 'a pipe';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The nearest part of `path` that exists, with symbolic links resolved. */
function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return realpathSync(current);
}

/**
 * The absolute path of the SQLite file `file:PATH` names, its directory created if missing. Refuses
 * (one line, naming the path) what cannot hold a database: a directory, a device, /proc or /sys.
 */
export function sqlitePath(path: string): string {
  const hint = 'e.g. file:./data/latchkey.sqlite';
  if (path === '') throw new StoreUrlError(`LATCHKEY_DATABASE_URL "file:" needs a path, ${hint}`);
  const absolute = resolve(path);
  const real = existingAncestor(absolute);
  if (SPECIAL_ROOTS.some((root) => under(real, root)) && !ALLOWED_UNDER_SPECIAL.some((root) => under(real, root))) {
    throw new StoreUrlError(`LATCHKEY_DATABASE_URL points into ${real.split(sep).slice(0, 2).join(sep)} (${absolute}), a kernel file system that cannot hold a database; use a path such as file:/var/lib/latchkey/latchkey.sqlite`);
  }
  if (existsSync(absolute) && !statSync(absolute).isFile()) {
    throw new StoreUrlError(`LATCHKEY_DATABASE_URL names ${absolute}, which is ${kindOf(absolute)}, not a database file; ${hint}`);
  }
  try {
    mkdirSync(dirname(absolute), { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a part of the path is a file, not a directory' : (code ?? (error as Error).message);
    throw new StoreUrlError(`cannot create the directory for the SQLite file ${absolute} (${why}); fix the path in LATCHKEY_DATABASE_URL`);
  }
  return absolute;
}
