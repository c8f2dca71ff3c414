import { latchkeyVitestConfig } from '@latchkey/test-support/vitest';

export default latchkeyVitestConfig({
  // The stories in a browser; app.test.ts (plain HTTP) and start.test.ts (npm start) need none.
  chromium: {
    tests: ['test/journey.test.ts', 'test/fallback-and-devices.test.ts', 'test/tampering.test.ts'],
    // One Chromium for the whole run: test files connect to it, each story in contexts of its own.
    globalSetup: ['test/helpers/browser-server.ts'],
  },
});
