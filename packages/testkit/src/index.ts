export * from './soft-authenticator.js';
