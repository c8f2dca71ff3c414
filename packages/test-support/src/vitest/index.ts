// What runs in vitest's own process (vitest.config.ts, globalSetup files), kept apart from the main
// entry, which loads the server and playwright-core: loading a config stays cheap, and test files
// never pull vitest/config in.
export { latchkeyVitestConfig, type LatchkeyVitestOptions } from './latchkey-vitest-config.js';
export { chromiumGate, type ChromiumGate } from './chromium-gate.js';
export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from '../chromium/chromium-path.js';
