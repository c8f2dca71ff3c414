#!/usr/bin/env node
// Adds up the vitest JSON reports of every workspace package and prints the plain
// "N passed, N failed" line CI reads. A package without a report counts as one failure:
// its tests did not run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ['packages', 'examples']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    const pkg = join(dir, 'package.json');
    if (!existsSync(pkg) || !JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test) continue;
    const report = join(dir, 'test-results', 'vitest.json');
    if (!existsSync(report)) {
      console.log(`${dir}: no test report (its tests did not run)`);
      failed += 1;
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    console.log(`${dir}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
    passed += r.numPassedTests;
    // A file that failed without a failed test (an import error, a failing beforeAll) is a
    // failure of its own; a file with failed tests is already counted through them.
    const brokenFiles = (r.testResults ?? []).filter((file) => file.status === 'failed' && !file.assertionResults?.some((t) => t.status === 'failed')).length;
    failed += r.numFailedTests + brokenFiles;
    skipped += r.numPendingTests + r.numTodoTests;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
