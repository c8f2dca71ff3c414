/**
 * The standalone bundle (dist/latchkey-elements.js): SDK, elements, Lit and SimpleWebAuthn in one
 * ES module. Loading it registers the elements; `createLatchkey` is there for pages that also call
 * the SDK directly.
 */
import { defineLatchkeyElements } from './define.js';

defineLatchkeyElements();

export * from './index.js';
export { createLatchkey } from '@latchkey/browser';
