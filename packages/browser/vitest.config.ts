import { latchkeyVitestConfig } from '@latchkey/test-support/vitest';

// Every test here drives the SDK in Chromium against a real Latchkey server.
export default latchkeyVitestConfig({ chromium: true });
