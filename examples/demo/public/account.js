// The account page: add a passkey (<latchkey-append>) and manage them (<latchkey-passkey-list>).
// After a password login it also carries <latchkey-append offer>: Latchkey decides whether to offer
// a passkey now (not after a recent "Not now" on this device, not when this device has one already).
// Both ask the app's backend for a connect token for the logged-in user before each operation;
// the elements show their own progress and outcome messages.
const append = document.querySelector('latchkey-append:not([offer])');
const offer = document.querySelector('latchkey-append[offer]');
const list = document.querySelector('latchkey-passkey-list');

/**
 * A fresh connect token from the app's backend. For `passkey-list` it may be null: Latchkey does
 * not know this user until their first passkey, and the list then says there are none.
 */
async function tokenProvider(type) {
  const response = await fetch('/api/latchkey/connect-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) window.location.assign('/login?expired');
  if (!response.ok) throw new Error(body.error?.message ?? `The app could not create a connect token (HTTP ${response.status}).`);
  return body.secret;
}

await Promise.all([customElements.whenDefined('latchkey-append'), customElements.whenDefined('latchkey-passkey-list')]);
append.strings = { button: 'Add a passkey', success: 'Passkey added. Next time, log in with it instead of your password.' };
append.tokenProvider = tokenProvider;
if (offer) {
  offer.tokenProvider = tokenProvider; // asks Latchkey at once
  offer.addEventListener('latchkey-complete', () => list.refresh());
}
list.tokenProvider = tokenProvider; // loads the list

append.addEventListener('latchkey-complete', () => list.refresh());
