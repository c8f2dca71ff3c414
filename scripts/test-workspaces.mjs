#!/usr/bin/env node
// `npm test` at the root: the type-check and every workspace's `npm test`, in two lanes side by side.
// The server's suite takes longer than all the rest together and, most of the time, waits on its
// servers, CLI processes, PostgreSQL and Chromium; one after another, a core sat idle through
// much of it. So one lane runs the server's suite, its output passed on as it comes; the other
// type-checks the workspaces (scripts/typecheck-workspaces.mjs), then runs the other workspaces'
// suites one after another, in the root package.json's order, each one's output printed in one
// piece when it finishes. Every step runs even if another failed; the exit code is non-zero if any
// of them failed.
//
// The type-check, the one step without time limits, runs at a lower priority and takes what the
// suites leave: beside the server's two workers, two tsc processes pushed server tests past their
// limits (a server must start within 20 s, a test end within 30 s) on a busy 2-core machine. The
// other suites run at the usual priority: theirs have time limits too (at a lower priority, the
// demo's `npm start` missed its 20 s for the banner).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const LONGEST = 'packages/server';
const withTests = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces.filter(
  (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).scripts?.test,
);

/** Niceness (0 = as this process, 19 = lowest). */
const typecheck = { name: 'typecheck', command: 'node', args: ['scripts/typecheck-workspaces.mjs'], cwd: root, niceness: 10 };
const suite = (dir) => ({ name: `test ${dir}`, command: 'npm', args: ['test', '--silent'], cwd: join(root, dir), niceness: 0 });

/** The streaming lane writes whole lines only, so that a block printed by the other lane never lands inside one. */
let partialLine = '';
function passOn(chunk) {
  const text = partialLine + chunk;
  const end = text.lastIndexOf('\n') + 1;
  process.stdout.write(text.slice(0, end));
  partialLine = text.slice(end);
}

function run({ name, command, args, cwd, niceness }, { stream }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // Set before npm has started anything: every process the step starts inherits it.
    if (niceness && child.pid !== undefined) {
      try {
        setPriority(child.pid, niceness);
      } catch {
        // Not permitted here: the step runs at the usual priority.
      }
    }
    let output = '';
    const collect = stream ? passOn : (chunk) => (output += chunk);
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.on('error', (error) => collect(`${error.message}\n`));
    child.on('close', (code) => {
      if (stream && partialLine) passOn('\n');
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${stream ? '' : `\n--- ${name}\n${output}`}${code === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)\n`);
      resolve(code === 0 ? [] : [name]);
    });
  });
}

async function inTurn(steps) {
  const failed = [];
  for (const step of steps) failed.push(...(await run(step, { stream: false })));
  return failed;
}

const lanes = await Promise.all([
  withTests.includes(LONGEST) ? run(suite(LONGEST), { stream: true }) : [],
  inTurn([typecheck, ...withTests.filter((dir) => dir !== LONGEST).map((dir) => suite(dir))]),
]);
const failed = lanes.flat();
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
