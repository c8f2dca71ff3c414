import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, killAllCliProcesses, runCli, runCliJson } from './helpers/cli-process.js';
import { freshDatabase, type TestDatabase } from './helpers/test-store.js';

/**
 * `latchkey serve` with a setting it cannot work with refuses to start: one line on stderr that
 * names the problem and the fix, a documented exit code (docs/operations.md), no stack trace, no
 * hang. On the store this run tests; faults of SQLite files are in test/sqlite/.
 */

let cwd: string;
let database: TestDatabase;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'latchkey-refusals-'));
  database = await freshDatabase();
});
afterAll(async () => {
  killAllCliProcesses();
  rmSync(cwd, { recursive: true, force: true });
  await database.drop();
});

const serve = (env: Record<string, string | undefined>) => runCli(['serve'], { db: database.url, cwd, env: { LATCHKEY_PORT: '0', ...env } });

describe('latchkey serve refuses to start', () => {
  it('with an unknown LATCHKEY_LOG_LEVEL: exit 2, the levels it accepts', async () => {
    expectRefusal(await serve({ LATCHKEY_LOG_LEVEL: 'verbose' }), 2, /LATCHKEY_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/);
  });

  it('on a port that is in use: exit 5, naming the port', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      expectRefusal(await serve({ LATCHKEY_PORT: String(port) }), 5, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*LATCHKEY_PORT`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('when the signing keys are encrypted and LATCHKEY_KEY_ENCRYPTION_KEY is missing or another: exit 2', async () => {
    const kek = randomBytes(32).toString('base64');
    const created = await runCliJson<{ projectId: string }>(
      ['project', 'create', '--name', 'Encrypted', '--rp-id', 'localhost', '--origin', 'http://localhost:3000'],
      { db: database.url, cwd, env: { LATCHKEY_KEY_ENCRYPTION_KEY: kek } },
    );
    const [missing, other] = await Promise.all([
      serve({ LATCHKEY_KEY_ENCRYPTION_KEY: undefined }),
      serve({ LATCHKEY_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
    ]);
    // Without the variable, PostgreSQL has no key at all; on SQLite the key file an earlier serve
    // created beside the database stands in for it, and is the wrong key.
    expectRefusal(
      missing,
      2,
      new RegExp(
        `project ${created.projectId}: signing key .* (is encrypted but .*LATCHKEY_KEY_ENCRYPTION_KEY is not set|cannot be decrypted with the configured LATCHKEY_KEY_ENCRYPTION_KEY \\(or key file\\)); .*keys rotate`,
      ),
    );
    expectRefusal(other, 2, /cannot be decrypted with the configured LATCHKEY_KEY_ENCRYPTION_KEY/);
  });
});
