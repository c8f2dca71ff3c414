import { androidOrigin } from './android-origin.js';
import type { Project } from './project.js';

/** Origins a browser request (its Origin header, CORS) may come from: the project's own and its related origins. */
export function webOrigins(project: Project): string[] {
  return [...project.origins, ...project.relatedOrigins];
}

/**
 * Origins a WebAuthn response (clientDataJSON.origin) may carry: the web origins, plus one
 * `android:apk-key-hash:…` per listed Android app. iOS apps sign with origin https://RP ID, which
 * is one of the project's own origins.
 */
export function acceptedOrigins(project: Project): string[] {
  return [...webOrigins(project), ...project.androidApps.map((app) => androidOrigin(app.sha256CertFingerprint))];
}
