export * from './soft-authenticator.js';
export type { AppleAttestationIssuer } from './apple-attestation.js';
export * from './test-clock.js';
