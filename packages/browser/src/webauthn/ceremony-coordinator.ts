import { WebAuthnAbortService } from '@simplewebauthn/browser';

/**
 * A page can have only one WebAuthn request in flight, and SimpleWebAuthn's WebAuthnAbortService
 * (one per page) aborts the previous request whenever a new one starts. This module keeps our own
 * book on top of it, for every Latchkey instance on the page:
 *
 * - a modal ceremony (login, append) aborts every pending autofill the moment it starts, not only
 *   when it reaches `navigator.credentials.get()`, so the autofill result arrives at once;
 * - an autofill that starts while a modal ceremony runs yields (resolves `aborted`) instead of
 *   aborting the dialog the user is looking at;
 * - aborting a call cancels the browser request only while that call owns it.
 */
const autofills = new Set<AbortController>();
let modals = 0;
let owner: object | undefined;

/** Start a login or append: pending autofills end with `aborted`. Returns the matching `end`. */
export function beginModal(): () => void {
  for (const controller of [...autofills]) controller.abort();
  autofills.clear();
  modals += 1;
  return () => {
    modals -= 1;
  };
}

export function modalInProgress(): boolean {
  return modals > 0;
}

/** Register an autofill (aborting any older one: the browser shows one autofill request at a time). */
export function beginAutofill(controller: AbortController): () => void {
  for (const older of [...autofills]) older.abort();
  autofills.add(controller);
  return () => {
    autofills.delete(controller);
  };
}

/** Run a WebAuthn request as `me`; `cancel(me)` aborts it only while it is still the current one. */
export async function runCeremony<T>(me: object, start: () => Promise<T>): Promise<T> {
  owner = me;
  try {
    return await start();
  } finally {
    if (owner === me) owner = undefined;
  }
}

export function cancel(me: object): void {
  if (owner === me) WebAuthnAbortService.cancelCeremony();
}
