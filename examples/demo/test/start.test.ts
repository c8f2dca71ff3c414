import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@latchkey/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `npm start` (dist/main.js): Latchkey and the demo in one process, a project kept across restarts. */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-demo-start-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  demoUrl: string;
  latchkeyUrl: string;
}

function withoutInitCwd(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { INIT_CWD: _ignored, ...rest } = env;
  return rest;
}

/**
 * Runs dist/main.js in the temp dir, as `npm start` typed there would. `viaNpmWorkspace`: the way
 * npm runs a workspace script — in the package's folder, with INIT_CWD naming where npm was typed.
 */
async function start(demoPort: number, viaNpmWorkspace = false): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: viaNpmWorkspace ? fileURLToPath(new URL('..', import.meta.url)) : dir,
    // INIT_CWD from the `npm test` running this file must not leak in: main.js would move there.
    env: {
      ...withoutInitCwd(process.env),
      ...(viaNpmWorkspace ? { INIT_CWD: dir } : {}),
      LATCHKEY_PORT: '0',
      DEMO_PORT: String(demoPort),
      LATCHKEY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner after 20 s:\n${out}`)), 20_000);
    const check = () => {
      if (out.includes('Ctrl-C stops both.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
  const demoUrl = /Open the demo: (\S+)/.exec(out)![1]!;
  const latchkeyUrl = /Latchkey\s+(http\S+)/.exec(out)![1]!;
  return { child, output: () => out, demoUrl, latchkeyUrl };
}

async function interrupt(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGINT');
  return exited;
}

describe('npm start', () => {
  it('starts Latchkey and the demo, keeps the project (mode 0600) across restarts, and stops both on Ctrl-C', async () => {
    const demoPort = await freePort();
    const first = await start(demoPort);
    try {
      expect(first.demoUrl).toBe(`http://localhost:${demoPort}`);
      expect(first.output()).toContain('(new)');
      const home = await fetch(first.demoUrl);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Welcome to Acorn');
      expect((await fetch(`${first.latchkeyUrl}/healthz`)).status).toBe(200);
    } finally {
      expect(await interrupt(first)).toBe(0);
    }
    await expect(fetch(first.demoUrl)).rejects.toThrow(); // both stopped
    await expect(fetch(`${first.latchkeyUrl}/healthz`)).rejects.toThrow();

    const file = join(dir, 'data', 'demo', 'latchkey-project.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { projectId: string; apiSecret: string; origin: string };
    expect(saved).toMatchObject({ projectId: expect.stringMatching(/^pro-\d{19}$/), apiSecret: expect.stringMatching(/^latchkey1_/), origin: `http://localhost:${demoPort}` });

    // Started again the way the root `npm start` runs it: data still found under where npm was typed.
    const second = await start(demoPort, true);
    try {
      expect(second.output()).toContain(saved.projectId);
      expect(second.output()).not.toContain('(new)');
      // The app's own data survived too: its SQLite file is in the same data dir.
      expect((await stat(join(dir, 'data', 'demo', 'demo.sqlite'))).isFile()).toBe(true);
      expect((await stat(join(dir, 'data', 'latchkey.sqlite'))).isFile()).toBe(true);
    } finally {
      expect(await interrupt(second)).toBe(0);
    }
  });
});
