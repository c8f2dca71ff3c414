import { MIN_PASSWORD_LENGTH } from '../accounts/create-account.js';
import type { Session } from '../sessions/find-session.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** Where the page's web components find Latchkey: its URL and the project. */
export interface LatchkeyPageConfig {
  baseUrl: string;
  projectId: string;
}

const ELEMENTS = '/latchkey-elements.js';

function notice(kind: 'error' | 'success' | 'info', text: string | undefined, id?: string): SafeHtml {
  if (!text) return html``;
  const role = kind === 'error' ? 'alert' : 'status';
  return html`<p class="notice ${kind}" role="${role}"${id ? html` id="${id}"` : html``}>${text}</p>`;
}

export function homePage(session: Session | undefined): string {
  const body = html`
    <h1>Welcome to Acorn</h1>
    <p class="lede">A small app with its own accounts and passwords — and passkeys, added by Latchkey.</p>
    <ol class="steps">
      <li><strong>Sign up</strong> with an e-mail address and a password, as in any app.</li>
      <li>On your account page, <strong>add a passkey</strong>: your device's screen lock, fingerprint or face.</li>
      <li><strong>Log in</strong> with the passkey next time — type your e-mail address, or pick the passkey the browser suggests.</li>
    </ol>
    <p class="actions">
      ${session
        ? html`<a class="button" href="/account">Go to your account</a>`
        : html`<a class="button" href="/signup">Create an account</a> <a class="button secondary" href="/login">Log in</a>`}
    </p>`;
  return layout({ title: 'Welcome', session, body });
}

export function signupPage(input: { email?: string; displayName?: string; error?: string } = {}): string {
  const body = html`
    <h1>Create your account</h1>
    ${notice('error', input.error)}
    <form method="post" action="/signup" class="card stack">
      <label for="email">E-mail address</label>
      <input id="email" name="email" type="email" autocomplete="username" required value="${input.email ?? ''}">
      <label for="displayName">Your name <span class="hint">(optional)</span></label>
      <input id="displayName" name="displayName" type="text" autocomplete="name" maxlength="100" value="${input.displayName ?? ''}">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="password-hint">
      <p class="hint" id="password-hint">At least ${MIN_PASSWORD_LENGTH} characters. You can add a passkey once you are in.</p>
      <button type="submit">Create account</button>
    </form>
    <p>Already have an account? <a href="/login">Log in</a></p>`;
  return layout({ title: 'Sign up', body });
}

export interface LoginPageInput {
  latchkey: LatchkeyPageConfig;
  email?: string;
  error?: string;
  info?: string;
  /** Show the password form straight away (after a wrong password, or when asked for it). */
  showPassword?: boolean;
}

export function loginPage(input: LoginPageInput): string {
  const body = html`
    <h1>Log in</h1>
    ${notice('info', input.info)}
    <section aria-labelledby="passkey-title" class="card">
      <h2 id="passkey-title">With a passkey</h2>
      <p class="hint">Type your e-mail address, or pick your passkey from the suggestions on the field.</p>
      <latchkey-login base-url="${input.latchkey.baseUrl}" project-id="${input.latchkey.projectId}"></latchkey-login>
      <p class="notice error" role="alert" id="passkey-error" hidden></p>
      <p class="switch"><a href="/login?password" id="use-password"${input.showPassword ? html` hidden` : html``}>Log in with your password instead</a></p>
    </section>
    <section aria-labelledby="password-title" class="card" id="password-login"${input.showPassword ? html`` : html` hidden`}>
      <h2 id="password-title">With your password</h2>
      <p class="notice info" role="status" id="fallback-reason" hidden></p>
      ${notice('error', input.error, 'password-error')}
      <form method="post" action="/login" class="stack">
        <label for="login-email">E-mail address</label>
        <input id="login-email" name="email" type="email" autocomplete="username" required value="${input.email ?? ''}">
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required>
        <input id="login-device-id" name="deviceId" type="hidden" value="">
        <input id="login-os-family" name="osFamily" type="hidden" value="">
        <input id="login-browser-family" name="browserFamily" type="hidden" value="">
        <button type="submit">Log in</button>
      </form>
    </section>
    <p>No account yet? <a href="/signup">Sign up</a></p>`;
  return layout({ title: 'Log in', body, scripts: [ELEMENTS, '/login.js'] });
}

const METHOD_LABELS: Record<Session['method'], string> = {
  password: 'with your password',
  passkey: 'with a passkey',
  'passkey-autofill': 'with a passkey (picked from autofill)',
  signup: 'by creating your account',
};

export interface AccountPageInput {
  session: Session;
  latchkey: LatchkeyPageConfig;
  /** Just signed up: say what to do next. */
  welcome: boolean;
}

export function accountPage({ session, latchkey, welcome }: AccountPageInput): string {
  const { account } = session;
  const body = html`
    <h1>Your account</h1>
    ${welcome ? notice('success', 'Your account is ready. Add a passkey below, and next time you can log in without your password.') : html``}
    <dl class="card facts">
      <dt>Name</dt><dd id="account-name">${account.displayName}</dd>
      <dt>E-mail address</dt><dd id="account-email">${account.email}</dd>
      <dt>This session</dt><dd id="session-method" data-method="${session.method}">Logged in ${METHOD_LABELS[session.method]}</dd>
    </dl>
    ${session.method === 'password'
      ? html`<latchkey-append offer id="passkey-offer" base-url="${latchkey.baseUrl}" project-id="${latchkey.projectId}"></latchkey-append>`
      : html``}
    <section aria-labelledby="passkeys-title" class="card">
      <h2 id="passkeys-title">Passkeys</h2>
      <p class="hint">A passkey logs you in with this device's screen lock, fingerprint or face — nothing to type, nothing to phish.
      Your password keeps working too.</p>
      <latchkey-append base-url="${latchkey.baseUrl}" project-id="${latchkey.projectId}"></latchkey-append>
      <h3 id="passkey-list-title">Your passkeys</h3>
      <latchkey-passkey-list base-url="${latchkey.baseUrl}" project-id="${latchkey.projectId}" aria-labelledby="passkey-list-title"></latchkey-passkey-list>
    </section>
    <form method="post" action="/logout">
      <button type="submit" class="secondary">Log out</button>
    </form>`;
  return layout({ title: 'Your account', session, body, scripts: [ELEMENTS, '/account.js'] });
}

export function notFoundPage(session: Session | undefined): string {
  return layout({ title: 'Not found', session, body: html`<h1>Page not found</h1><p><a href="/">Back to the start</a></p>` });
}
