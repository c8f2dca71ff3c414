import { latchkeyVitestConfig } from '@latchkey/test-support/vitest';

// npm pack, npm install from the registry (the npm cache when it is warm), real processes. The
// install is the slow part: about a minute on CI's 2 cores, so set-up gets room to finish.
export default latchkeyVitestConfig({ hookTimeout: 240_000, testTimeout: 60_000 });
