export * from './soft-authenticator.js';
export * from './test-clock.js';
