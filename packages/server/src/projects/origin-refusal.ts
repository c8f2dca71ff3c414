import { forbidden, type LatchkeyError } from '../errors/latchkey-error.js';
import { fingerprintOfAndroidOrigin } from './android-origin.js';

/**
 * The 403 for a browser origin a project does not list. Its message is read by the developer of the
 * refused page (the browser SDK surfaces it), so it names the refused origin and the command that
 * allows it (`--add-origin`, which keeps the others), and nothing else: never the project's other
 * origins.
 */
export function originRefused(origin: string, projectId?: string): LatchkeyError {
  const whose = projectId ? `project ${projectId}` : 'any project on this Latchkey';
  const id = projectId ?? '<project-id>';
  return forbidden(
    'origin_not_allowed',
    `origin ${origin} is not an allowed origin of ${whose}; an operator allows it with ` +
      `\`latchkey project update ${id} --add-origin ${origin}\``,
  );
}

/**
 * The 403 for a WebAuthn response made by an app the project does not list (an Android
 * `android:apk-key-hash:…` origin, or any other non-web origin). Read by the app's developer: it
 * names the origin and, for an Android origin, the signing certificate's SHA-256 in the colon hex
 * the Play Console shows and the command that allows it.
 */
export function appRefused(origin: string, projectId: string): LatchkeyError {
  const fingerprint = fingerprintOfAndroidOrigin(origin);
  const how = fingerprint
    ? ` (an Android app signed by the certificate with SHA-256 ${fingerprint}); an operator allows it with ` +
      `\`latchkey project update ${projectId} --add-android-app <package.name>:${fingerprint}\``
    : '';
  return forbidden('origin_not_allowed', `origin ${origin} is not an allowed app of project ${projectId}${how}`);
}
