import { latchkeyVitestConfig } from './src/vitest/index.js';

// This package's own helpers, tested with the settings it gives everyone; none needs a browser.
export default latchkeyVitestConfig();
