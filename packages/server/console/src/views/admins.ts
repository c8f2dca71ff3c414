import { html } from 'lit';
import { api, ConsoleApiError } from '../api.js';
import { session, when } from '../state.js';

interface AdminRow {
  id: string;
  email: string;
  role: 'owner' | 'viewer';
  createdAt: number;
  lastLoginAt: number | null;
  hasPasskey: boolean;
}

let admins: AdminRow[] | null = null;
let you = '';
let error = '';
let status = '';
let inviteError = '';
let invited: { link: string; email: string; role: string; expiresAt: number } | null = null;

async function load(): Promise<void> {
  const answer = await api<{ admins: AdminRow[]; you: string }>('GET', '/admins');
  admins = answer.admins;
  you = answer.you;
}

export async function enterAdmins(rerender: () => void): Promise<void> {
  error = '';
  status = '';
  inviteError = '';
  invited = null;
  try {
    await load();
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  rerender();
}

/**
 * Who can use this console. Owners invite (the link is shown once), change a role or remove someone
 * (the server asks for their passkey again first); the last owner stays. Viewers read the list.
 */
export function adminsView(rerender: () => void) {
  const owner = session.me?.role === 'owner';
  const act = async (work: () => Promise<void>) => {
    try {
      error = '';
      status = '';
      await work();
    } catch (thrown) {
      // A 403 forbidden_role says who is a viewer; a 409 last_owner what to do first: both are shown as they are.
      error = (thrown as Error).message;
    }
    rerender();
  };
  const setRole = (admin: AdminRow, role: 'owner' | 'viewer') => act(async () => {
    await api('PATCH', `/admins/${admin.id}`, { role });
    await load();
    status = `${admin.email} is now ${role === 'owner' ? 'an owner' : 'a viewer'}.`;
  });
  const remove = (admin: AdminRow) => act(async () => {
    if (!confirm(`Remove ${admin.email}? Their sessions end at once and their passkey no longer opens the console.`)) return;
    await api('DELETE', `/admins/${admin.id}`);
    await load();
    status = `${admin.email} was removed.`;
  });
  const invite = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (!form.reportValidity()) return;
    const data = new FormData(form);
    try {
      invited = await api('POST', '/admins/invites', { email: String(data.get('email')).trim(), role: String(data.get('role')) });
      inviteError = '';
      form.reset();
      await load();
    } catch (thrown) {
      inviteError = (thrown as ConsoleApiError).message;
      invited = null;
    }
    rerender();
  };
  return html`
    <h1>Administrators</h1>
    ${owner
      ? ''
      : html`<p class="notice">You are a <strong>viewer</strong>: you can see who administers this console, but only an owner can invite someone, change a role or remove an administrator.</p>`}
    <p class="error" role="alert">${error}</p>
    <p role="status">${status}</p>
    ${admins === null
      ? error
        ? ''
        : html`<p aria-busy="true">Loading…</p>`
      : html`<div class="table-wrap"><table>
          <caption class="visually-hidden">Administrators</caption>
          <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Last sign-in</th>${owner ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
          <tbody>
            ${admins.map(
              (a) => html`<tr>
                <td>${a.email}${a.id === you ? html` <span class="badge">you</span>` : ''}${a.hasPasskey ? '' : html`<br /><span class="muted small">invited, no passkey yet</span>`}</td>
                <td>${a.role}</td>
                <td>${when(a.createdAt)}</td>
                <td>${when(a.lastLoginAt)}</td>
                ${owner
                  ? html`<td class="actions-cell">
                      ${a.role === 'owner'
                        ? html`<button type="button" class="secondary small" @click=${() => setRole(a, 'viewer')} aria-label="Make viewer ${a.email}">Make viewer</button>`
                        : html`<button type="button" class="secondary small" @click=${() => setRole(a, 'owner')} aria-label="Make owner ${a.email}">Make owner</button>`}
                      <button type="button" class="danger small" @click=${() => remove(a)} aria-label="Remove ${a.email}">Remove</button>
                    </td>`
                  : ''}
              </tr>`,
            )}
          </tbody>
        </table></div>
        <p class="muted small">Changing a role or removing someone asks for your passkey. The last owner cannot be demoted or removed: make someone else an owner first.</p>`}
    ${owner
      ? html`<section class="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite an administrator</h2>
          ${invited
            ? html`<div class="notice">
                <p>Send this link to <strong>${invited.email}</strong> (${invited.role}). It is shown <strong>only now</strong>, works once, and expires ${when(invited.expiresAt)}.</p>
                <p><label for="invite-link">Invite link</label><input id="invite-link" readonly .value=${invited.link} /></p>
              </div>`
            : ''}
          <form @submit=${invite}>
            <label for="a-email">Email</label>
            <input id="a-email" name="email" type="email" required maxlength="254" autocomplete="off" aria-describedby="a-invite-error" />
            <label for="a-role">Role</label>
            <select id="a-role" name="role">
              <option value="viewer">viewer (looks, changes nothing)</option>
              <option value="owner">owner (changes everything)</option>
            </select>
            <button type="submit">Create invite link</button>
            <p id="a-invite-error" class="error" role="alert">${inviteError}</p>
          </form>
        </section>`
      : ''}
  `;
}
