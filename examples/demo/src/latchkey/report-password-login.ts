/** Tells Latchkey the app logged someone in with a password, for the adoption report. */
export type ReportPasswordLogin = (input: { identifier: string; deviceId?: string; osFamily?: string; browserFamily?: string }) => Promise<void>;

const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** What the page may say (from the browser SDK); anything else is left out, so Latchkey records it as unknown. */
const FAMILY = /^[a-z]{1,16}$/;

/**
 * `POST /v2/events` (Backend API) with a `password-login` event: the passkey login rate in
 * `latchkey report` needs the logins passkeys did NOT carry. The identifier is hashed by Latchkey;
 * the device id and the OS and browser family (from the browser SDK, sent with the password form)
 * put the password login on the same device and platform as the passkey offers and logins.
 * Best effort with a short deadline: a password login never waits on, or fails because of, Latchkey.
 */
export function passwordLoginReporter(options: { baseUrl: string; projectId: string; apiSecret: string }): ReportPasswordLogin {
  const authorization = `Basic ${Buffer.from(`${options.projectId}:${options.apiSecret}`).toString('base64')}`;
  return async ({ identifier, deviceId, osFamily, browserFamily }) => {
    const event = {
      type: 'password-login',
      method: 'password',
      identifier,
      ...(deviceId && DEVICE_ID.test(deviceId) ? { deviceId } : {}),
      ...(osFamily && FAMILY.test(osFamily) ? { osFamily } : {}),
      ...(browserFamily && FAMILY.test(browserFamily) ? { browserFamily } : {}),
    };
    const response = await fetch(`${options.baseUrl.replace(/\/+$/, '')}/v2/events`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [event] }),
      signal: AbortSignal.timeout(2000),
    });
    if (response.status !== 202) throw new Error(`Latchkey refused the password-login event: HTTP ${response.status}`);
  };
}
