import { LatchkeyConfigError } from '../errors/latchkey-config-error.js';
import type { Transport } from '../http/transport.js';
import type { AdoptionEvent, PasswordLogin } from '../types/adoption.js';

const MAX_BATCH = 20;

/** Reports 1–20 events for the funnel; returns how many were accepted. */
export async function reportEvents(transport: Transport, events: AdoptionEvent[]): Promise<{ accepted: number }> {
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH) {
    throw new LatchkeyConfigError('invalid_argument', `events must be an array of 1 to ${MAX_BATCH} events`);
  }
  return transport.send<{ accepted: number }>({ method: 'POST', path: '/v2/events', body: { events } });
}

/**
 * Reports one of the app's own password logins, so that the report can tell the passkey login
 * rate. Call it where the password check succeeds.
 */
export async function reportPasswordLogin(transport: Transport, login: PasswordLogin): Promise<void> {
  await reportEvents(transport, [{ type: 'password-login', method: 'password', ...login }]);
}
