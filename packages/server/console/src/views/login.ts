import { html } from 'lit';
import { plainApi, setCsrfToken } from '../api.js';
import { passkeyLogin } from '../passkey.js';
import { session, type Me } from '../state.js';

let error = '';
let busy = false;

/** Passkey login; afterwards back to where the administrator was (`next`). */
export function loginView(next: string, rerender: () => void) {
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const email = new FormData(event.target as HTMLFormElement).get('email')?.toString().trim().toLowerCase() ?? '';
    busy = true;
    error = '';
    rerender();
    try {
      const answer = await plainApi<{ admin: Me; csrfToken: string }>('POST', '/session', { signedPasskeyData: await passkeyLogin(email) });
      session.me = answer.admin;
      setCsrfToken(answer.csrfToken);
      location.hash = `#${next || '/projects'}`;
    } catch (thrown) {
      error = (thrown as Error).message;
    } finally {
      busy = false;
      rerender();
    }
  };
  return html`
    <section class="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">Sign in to the Latchkey console</h1>
      <p class="muted">Administrators sign in with their passkey. New here? Ask an owner for an invite link (<code>latchkey admin invite you@example.com</code>).</p>
      <form @submit=${submit} novalidate>
        <label for="login-email">Email</label>
        <input id="login-email" name="email" type="email" autocomplete="username webauthn" required aria-describedby="login-error" />
        <button type="submit" ?disabled=${busy}>${busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}</button>
        <p id="login-error" class="error" role="alert">${error}</p>
      </form>
    </section>
  `;
}
