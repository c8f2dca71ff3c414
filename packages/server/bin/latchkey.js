#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by the build that `npm ci` runs (root `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('latchkey: the server is not built yet. Run `npm ci` (or `npm run build`) at the repository root.\n');
  process.exit(1);
}
await import(entry.href);
