import { html } from 'lit';
import { api } from '../api.js';
import { when } from '../state.js';

interface User {
  userID: string;
  identifier: string;
  displayName: string;
  createdAt: number;
}
interface Passkey {
  id: string;
  authenticatorName?: string;
  aaguid: string;
  backupEligible: boolean;
  backupState: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

let users: User[] | null = null;
let nextCursor: string | null = null;
/** Cursors of the pages before this one, for "Previous". */
let previous: string[] = [];
let cursor = '';
/** What the identifiers start with, exactly as stored (case and all); empty = every user. */
let prefix = '';
let selected: { user: User; passkeys: Passkey[] } | null = null;
let error = '';

/** Only the latest request's answer is shown: the first page still loading must not overwrite a search's. */
let loads = 0;

async function load(projectId: string): Promise<void> {
  const ticket = ++loads;
  const query = new URLSearchParams();
  if (prefix) query.set('prefix', prefix);
  if (cursor) query.set('cursor', cursor);
  const page = await api<{ users: User[]; nextCursor: string | null }>('GET', `/projects/${projectId}/users?${query}`);
  if (ticket !== loads) return;
  users = page.users;
  nextCursor = page.nextCursor;
}

export async function enterUsers(projectId: string, query: URLSearchParams, rerender: () => void): Promise<void> {
  prefix = query.get('prefix') ?? '';
  cursor = '';
  previous = [];
  selected = null;
  error = '';
  await load(projectId);
  rerender();
}

/** Users by identifier prefix (in identifier order) or all (in id order), page by page; a user's passkeys (provider, created, last used, backup flags); deleting. */
export function usersTab(projectId: string, rerender: () => void) {
  const act = async (work: () => Promise<void>) => {
    try {
      error = '';
      await work();
    } catch (thrown) {
      error = (thrown as Error).message;
    }
    rerender();
  };
  const search = (event: SubmitEvent) => {
    event.preventDefault();
    prefix = String(new FormData(event.target as HTMLFormElement).get('prefix') ?? '');
    cursor = '';
    previous = [];
    selected = null;
    return act(() => load(projectId));
  };
  const page = (direction: 'next' | 'previous') => act(async () => {
    if (direction === 'next' && nextCursor) {
      previous.push(cursor);
      cursor = nextCursor;
    } else cursor = previous.pop() ?? '';
    await load(projectId);
  });
  const open = (user: User) => act(async () => {
    selected = await api('GET', `/projects/${projectId}/users/${user.userID}/passkeys`);
  });
  const deletePasskey = (passkey: Passkey) => act(async () => {
    if (!selected || !confirm(`Delete this passkey of ${selected.user.identifier}? They can no longer sign in with it.`)) return;
    await api('DELETE', `/projects/${projectId}/users/${selected.user.userID}/passkeys/${passkey.id}`);
    selected = await api('GET', `/projects/${projectId}/users/${selected.user.userID}/passkeys`);
  });
  const deleteUser = () => act(async () => {
    if (!selected || !confirm(`Delete ${selected.user.identifier} and all their passkeys?`)) return;
    await api('DELETE', `/projects/${projectId}/users/${selected.user.userID}`);
    selected = null;
    await load(projectId);
  });
  return html`
    <section class="card" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <form class="inline" role="search" @submit=${search}>
        <label for="u-prefix">Identifier starts with (case as stored)</label>
        <input id="u-prefix" name="prefix" type="search" .value=${prefix} maxlength="256" />
        <button type="submit">Search</button>
      </form>
      <p class="error" role="alert">${error}</p>
      ${users === null
        ? html`<p aria-busy="true">Loading…</p>`
        : users.length === 0
          ? html`<p class="empty">${prefix ? `No user's identifier starts with "${prefix}".` : 'No users yet: they appear when someone registers a passkey through your app.'}</p>`
          : html`<div class="table-wrap"><table>
              <caption class="visually-hidden">Users</caption>
              <thead><tr><th scope="col">Identifier</th><th scope="col">User id</th><th scope="col">Created</th></tr></thead>
              <tbody>
                ${users.map((u) => html`<tr><td><button type="button" class="link" @click=${() => open(u)}>${u.identifier}</button></td><td><code>${u.userID}</code></td><td>${when(u.createdAt)}</td></tr>`)}
              </tbody>
            </table></div>
            <nav class="pager" aria-label="Users pages">
              <button type="button" ?disabled=${previous.length === 0} @click=${() => page('previous')}>Previous</button>
              <button type="button" ?disabled=${!nextCursor} @click=${() => page('next')}>Next</button>
            </nav>`}
    </section>
    ${selected
      ? html`<section class="card" aria-labelledby="passkeys-title">
          <h2 id="passkeys-title">Passkeys of ${selected.user.identifier}</h2>
          ${selected.passkeys.length === 0
            ? html`<p class="empty">No passkeys: this user signs in the way your app did before.</p>`
            : html`<div class="table-wrap"><table>
                <caption class="visually-hidden">Passkeys of ${selected.user.identifier}</caption>
                <thead><tr><th scope="col">Provider</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Backed up</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                <tbody>
                  ${selected.passkeys.map(
                    (p) => html`<tr>
                      <td>${p.authenticatorName ?? 'Unknown provider'}<br /><code class="small">${p.id}</code></td>
                      <td>${when(p.createdAt)}</td>
                      <td>${when(p.lastUsedAt)}</td>
                      <td>${p.backupState ? 'yes' : p.backupEligible ? 'eligible, not yet' : 'no (device-bound)'}</td>
                      <td><button type="button" class="danger small" @click=${() => deletePasskey(p)} aria-label="Delete passkey ${p.id}">Delete</button></td>
                    </tr>`,
                  )}
                </tbody>
              </table></div>`}
          <button type="button" class="danger" @click=${deleteUser}>Delete user ${selected.user.identifier}</button>
        </section>`
      : ''}
  `;
}
