export { loadConfig, type Config } from './config/config.js';
export { startServer, createContext, type RunningServer } from './server.js';
export { buildApp, type AppOptions } from './http/app.js';
export { openStore, type Store } from './store/store.js';
export { migrateToLatest } from './store/migrate.js';
export { createProject } from './projects/create-project.js';
export { LatchkeyError } from './errors/latchkey-error.js';
export type { Clock } from './util/clock.js';
export type { VerificationResult } from './signed-data/verify-signed-data.js';
