// The login page: a passkey first (<latchkey-login>: identifier-first, and passkey autofill on its
// field), the app's own password form whenever a passkey is not an option.
const login = document.querySelector('latchkey-login');
const passwordSection = document.getElementById('password-login');
const usePassword = document.getElementById('use-password');
const emailInput = document.getElementById('login-email');
const passwordInput = document.getElementById('login-password');
const reasonBox = document.getElementById('fallback-reason');
const errorBox = document.getElementById('passkey-error');

// The element says what happened to the passkey; the page says what to do next.
const NEXT_STEP = {
  noPasskey: 'Log in with your password. Once you are in, you can add a passkey on your account page.',
  cancelled: 'Log in with your password instead, or try your passkey again.',
  unsupported: 'Log in with your password instead.',
  timeout: 'Log in with your password, or try your passkey again.',
  unavailable: 'Passkey login is not available right now. Log in with your password.',
  misconfigured: 'Passkey login is not available on this page. Log in with your password.',
  notAllowed: 'Passkey login is switched off for now. Log in with your password.',
};

// The password form tells the app's backend which device this is (the random id the Latchkey SDK
// keeps in localStorage) and its OS and browser family, so that its password-login report to
// Latchkey counts on the right platform in the adoption report.
const { createLatchkey } = await import('/latchkey-elements.js');
const device = await createLatchkey({ baseUrl: login.getAttribute('base-url'), projectId: login.getAttribute('project-id') }).clientInfo();
document.getElementById('login-device-id').value = device.deviceId ?? '';
document.getElementById('login-os-family').value = device.osFamily;
document.getElementById('login-browser-family').value = device.browserFamily;

function showPasswordForm(identifier, nextStep) {
  passwordSection.hidden = false;
  usePassword.hidden = true;
  if (identifier) emailInput.value = identifier;
  reasonBox.textContent = nextStep ?? '';
  reasonBox.hidden = !nextStep;
  (emailInput.value ? passwordInput : emailInput).focus();
}

function showRefusal(message, verificationResult) {
  errorBox.textContent = message;
  if (verificationResult) {
    const code = document.createElement('code');
    code.textContent = verificationResult;
    errorBox.append(' (Latchkey answered ', code, '.)');
  }
  errorBox.hidden = false;
}

await customElements.whenDefined('latchkey-login');
login.strings = {
  label: 'E-mail address',
  button: 'Log in with a passkey',
  working: 'Waiting for your passkey…',
  noPasskey: 'There is no passkey for this account yet.',
  cancelled: 'The passkey was not used: the prompt was cancelled or could not verify you.',
  unknownCredential: 'That passkey is no longer valid here (it was deleted). Use another one, or your password.',
};

// The app stores e-mail addresses in lower case; Latchkey matches identifiers exactly.
login.normalizeIdentifier = (value) => value.trim().toLowerCase();

usePassword.addEventListener('click', (event) => {
  event.preventDefault(); // the link's /login?password is for pages without script
  showPasswordForm(login.identifier, undefined);
});

// Whenever Latchkey cannot help (no passkey, cancelled, Latchkey down, slow or refusing this page),
// the element says so, from autofill as the page loads or after a submit: the password form takes
// over at once. The login never depends on Latchkey being up.
const onFallback = ({ reason, identifier }) => showPasswordForm(identifier, NEXT_STEP[reason] ?? NEXT_STEP.cancelled);
login.addEventListener('latchkey-fallback', (event) => onFallback(event.detail));
// This script may load after the element already gave up (a Latchkey that refuses connections
// answers at once): catch up.
if (login.lastFallback) {
  if (login.lastFallback.reason === 'misconfigured') console.error('Latchkey:', login.lastFallback.message);
  onFallback(login.lastFallback);
}

// What the page must know about. A misconfiguration (this origin not allowed, an unknown project)
// comes with a fallback already; its message names what to change, for the developer's console.
// Anything else (a deleted passkey…) the element has explained: the password form is the way forward.
login.addEventListener('latchkey-error', (event) => {
  console.error('Latchkey:', event.detail.message);
  if (passwordSection.hidden) showPasswordForm(login.identifier, undefined);
});

// A passkey login succeeded in the browser: only the app's backend decides whether it logs anyone in.
login.addEventListener('latchkey-complete', async (event) => {
  const { signedPasskeyData, identifier, isConditionalUI } = event.detail;
  errorBox.hidden = true;
  let response;
  try {
    response = await fetch('/api/passkey-login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signedPasskeyData, identifier, isConditionalUI: Boolean(isConditionalUI) }),
    });
  } catch {
    login.announce('The app could not be reached.', 'error');
    showRefusal('The app could not be reached. Check your connection and try again.');
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    window.location.assign(body.redirect ?? '/account');
    return;
  }
  // The element said "signing you in"; correct it in its own live region, then explain below.
  login.announce('The app did not accept this passkey login.', 'error');
  showRefusal(body.error?.message ?? `The passkey login failed (HTTP ${response.status}).`, body.verificationResult);
  showPasswordForm(identifier, 'You can log in with your password instead.');
});
