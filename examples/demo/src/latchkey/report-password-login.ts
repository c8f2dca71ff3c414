import type { LatchkeyClient } from './latchkey-client.js';

/** Tells Latchkey the app logged someone in with a password, for the adoption report. */
export type ReportPasswordLogin = (input: { identifier: string; deviceId?: string; osFamily?: string; browserFamily?: string }) => Promise<void>;

const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** What the page may say (from the browser SDK); anything else is left out, so Latchkey records it as unknown. */
const FAMILY = /^[a-z]{1,16}$/;

/**
 * `latchkey.events.passwordLogin()` (Node SDK → Backend API `POST /v2/events`): the passkey login
 * rate in `latchkey report` needs the logins passkeys did NOT carry. Latchkey stores the identifier
 * hashed. The device id and the OS and browser family come from the login page (the browser SDK's
 * `clientInfo()`, in hidden fields of the password form), so the password login counts on the same
 * device and platform as the passkey offers and logins; values that are not what the SDK sends are
 * left out rather than refused. The caller does not await it: a login never waits on Latchkey.
 */
export function passwordLoginReporter(latchkey: LatchkeyClient): ReportPasswordLogin {
  return ({ identifier, deviceId, osFamily, browserFamily }) =>
    latchkey.events.passwordLogin({
      identifier,
      ...(deviceId && DEVICE_ID.test(deviceId) ? { deviceId } : {}),
      ...(osFamily && FAMILY.test(osFamily) ? { osFamily } : {}),
      ...(browserFamily && FAMILY.test(browserFamily) ? { browserFamily } : {}),
    });
}
