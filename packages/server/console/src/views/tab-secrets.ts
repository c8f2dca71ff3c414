import { html } from 'lit';
import { api } from '../api.js';
import { when } from '../state.js';

interface Secret {
  id: string;
  hint: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

let secrets: Secret[] | null = null;
let shown: { id: string; secret: string } | null = null;
let error = '';

export async function enterSecrets(projectId: string, rerender: () => void): Promise<void> {
  shown = null;
  error = '';
  secrets = (await api<{ secrets: Secret[] }>('GET', `/projects/${projectId}/secrets`)).secrets;
  rerender();
}

/** API secrets: created and shown once, listed by their last characters and last use, revoked. */
export function secretsTab(projectId: string, rerender: () => void) {
  const act = async (work: () => Promise<void>) => {
    try {
      error = '';
      await work();
      secrets = (await api<{ secrets: Secret[] }>('GET', `/projects/${projectId}/secrets`)).secrets;
    } catch (thrown) {
      error = (thrown as Error).message;
    }
    rerender();
  };
  const create = () => act(async () => {
    shown = (await api<{ secret: { id: string; secret: string } }>('POST', `/projects/${projectId}/secrets`)).secret;
  });
  const revoke = (id: string) => act(async () => {
    if (!confirm(`Revoke ${id}? Backends using it fail at once.`)) return;
    await api('DELETE', `/projects/${projectId}/secrets/${id}`);
    if (shown?.id === id) shown = null;
  });
  return html`
    <section class="card" aria-labelledby="secrets-title">
      <h2 id="secrets-title">API secrets</h2>
      <p class="muted">Your app's backend authenticates to the Backend API with one. A secret is shown once, when it is created.</p>
      <button type="button" @click=${create}>Create API secret</button>
      <p class="error" role="alert">${error}</p>
      ${shown
        ? html`<div class="notice" role="status">
            <p><strong>Store this secret now</strong>: it will not be shown again.</p>
            <label for="shown-secret">New API secret (${shown.id})</label>
            <input id="shown-secret" readonly .value=${shown.secret} />
          </div>`
        : ''}
      ${secrets === null
        ? html`<p aria-busy="true">Loading…</p>`
        : secrets.length === 0
          ? html`<p class="empty">No API secrets. Create one for your backend.</p>`
          : html`<div class="table-wrap"><table>
              <caption class="visually-hidden">API secrets</caption>
              <thead><tr><th scope="col">ID</th><th scope="col">Ends with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
              <tbody>
                ${secrets.map(
                  (s) => html`<tr>
                    <td><code>${s.id}</code></td>
                    <td><code>…${s.hint}</code></td>
                    <td>${when(s.createdAt)}</td>
                    <td>${when(s.lastUsedAt)}</td>
                    <td>${s.revokedAt ? html`revoked ${when(s.revokedAt)}` : html`<button type="button" class="danger small" @click=${() => revoke(s.id)} aria-label="Revoke ${s.id}">Revoke</button>`}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`}
    </section>
  `;
}
