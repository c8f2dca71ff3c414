import { html } from 'lit';
import { plainApi } from '../api.js';
import { appendPasskey } from '../passkey.js';

let state: 'ready' | 'working' | 'done' | 'failed' = 'ready';
let message = '';
let email = '';

/** The bootstrap link: redeem the invite (once), register a passkey, then sign in with it. */
export function inviteView(token: string, rerender: () => void) {
  const register = async () => {
    state = 'working';
    rerender();
    try {
      const redeemed = await plainApi<{ identifier: string; connectToken: string }>('POST', '/invites/redeem', { token });
      email = redeemed.identifier;
      await appendPasskey(redeemed.connectToken);
      state = 'done';
    } catch (thrown) {
      state = 'failed';
      message = (thrown as Error).message;
    }
    rerender();
  };
  return html`
    <section class="card narrow" aria-labelledby="invite-title">
      <h1 id="invite-title">Register your passkey</h1>
      ${state === 'done'
        ? html`<p role="status">Your passkey for <strong>${email}</strong> is registered.</p>
            <p><a class="button" href="#/login">Continue to sign in</a></p>`
        : html`<p class="muted">This single-use link makes you an administrator of this Latchkey server. Your browser will ask to create a passkey.</p>
            <button type="button" @click=${register} ?disabled=${state === 'working'}>${state === 'working' ? 'Creating your passkey…' : 'Create my passkey'}</button>
            <p class="error" role="alert">${state === 'failed' ? message : ''}</p>`}
    </section>
  `;
}
