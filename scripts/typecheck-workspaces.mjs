#!/usr/bin/env node
// `npm run typecheck` at the root: every workspace's `typecheck` script, as
// `npm run typecheck --workspaces --if-present` would run them, but several at once (tsc uses one
// core; the server's checks alone take as long as all the others together). Each workspace's output
// is printed in one piece when it finishes; the exit code is non-zero if any of them failed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces.filter(
  (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).scripts?.typecheck,
);
const lanes = Math.max(2, availableParallelism());

function typecheck(dir) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', 'typecheck', '--silent'], { cwd: join(root, dir), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => (output += `${error.message}\n`));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${code === 0 ? 'ok  ' : 'FAIL'} typecheck ${dir} (${seconds} s)\n${output}`);
      resolve(code === 0);
    });
  });
}

const queue = [...workspaces];
let failed = 0;
await Promise.all(
  Array.from({ length: Math.min(lanes, queue.length) }, async () => {
    for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) if (!(await typecheck(dir))) failed += 1;
  }),
);
if (failed > 0) {
  console.error(`typecheck failed in ${failed} workspace(s)`);
  process.exit(1);
}
