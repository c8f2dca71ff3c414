import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startPrebuildMirror } from './helpers/prebuild-mirror.js';
import { REPO_ROOT } from './helpers/repo.js';
import { appEnv, run } from './helpers/run.js';

/**
 * No container engine runs on CI's machine, so the Dockerfile's stages run as a script instead:
 * pack the server, install the tarball with production dependencies only, start it with the image's
 * ENV, ENTRYPOINT and CMD (read from the Dockerfile), wait for the image's HEALTHCHECK command to pass,
 * stop it with the STOPSIGNAL and expect exit 0.
 */
const workDir = mkdtempSync(join(tmpdir(), 'latchkey-image-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

it('deploy/build-image-steps.sh: built, installed without dev dependencies, healthy, stopped cleanly', { timeout: 240_000 }, async () => {
  const mirror = await startPrebuildMirror(workDir);
  try {
    const result = await run('bash', [join(REPO_ROOT, 'deploy/build-image-steps.sh'), join(workDir, 'image')], {
      cwd: REPO_ROOT,
      env: appEnv(mirror.env),
      timeoutMs: 230_000,
    });
    expect(result.stdout + result.stderr).toContain('healthy: GET /readyz answered 200');
    expect(result.stdout).toContain('stopped cleanly (exit 0)');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(mirror.served()).toBe(1);
  } finally {
    await mirror.close();
  }
});
