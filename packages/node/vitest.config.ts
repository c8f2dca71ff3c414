import { latchkeyVitestConfig } from '@latchkey/test-support/vitest';

// Real Latchkey servers, real HTTP and real sockets; no browser.
export default latchkeyVitestConfig();
