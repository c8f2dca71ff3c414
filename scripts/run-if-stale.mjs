#!/usr/bin/env node
// Runs a build command only when its output is missing or older than one of its inputs, as make
// does: `node run-if-stale.mjs <output> <input>... -- <command> [args...]`. Inputs are files or
// folders (every file below them counts); paths are relative to the working directory.
//
// `npm ci` already builds everything (the root `prepare`), and each package's `npm test` builds
// again so that a developer's edit is tested: this keeps that second build to a few stat calls when
// nothing changed. tsc has this built in (`tsc -b`); vite does not.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
if (dash < 2 || dash === args.length - 1) {
  console.error('usage: run-if-stale.mjs <output> <input>... -- <command> [args...]');
  process.exit(2);
}
const [output, ...inputs] = args.slice(0, dash);
const [command, ...commandArgs] = args.slice(dash + 1);

/** The newest modification time of a file, or of any file below a folder (node_modules skipped). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

function staleBecause() {
  if (!existsSync(output)) return `${output} does not exist`;
  const built = statSync(output).mtimeMs;
  for (const input of inputs) {
    if (!existsSync(input)) return `input ${input} does not exist`;
    if (newest(input) > built) return `${input} changed since ${output} was built`;
  }
  return undefined;
}

const reason = staleBecause();
if (reason === undefined) {
  console.log(`${output} is up to date (newer than ${inputs.join(', ')}): not rebuilt`);
  process.exit(0);
}
console.log(`building: ${reason}`);
const run = spawnSync(command, commandArgs, { stdio: 'inherit', shell: process.platform === 'win32' });
if (run.status !== 0) {
  // A failed build (vite writes its bundle before a plugin's check fails) must run again next time.
  rmSync(output, { force: true });
  if (run.error) throw run.error;
}
process.exit(run.status ?? 1);
