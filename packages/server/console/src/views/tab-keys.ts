import { html } from 'lit';
import { api } from '../api.js';
import { when } from '../state.js';

interface SigningKey {
  kid: string;
  status: 'active' | 'rotated' | 'retired';
  createdAt: number;
  rotatedAt: number | null;
  retireAt: number | null;
}

let keys: SigningKey[] | null = null;
let error = '';
let done = '';

export async function enterKeys(projectId: string, rerender: () => void): Promise<void> {
  error = '';
  done = '';
  keys = (await api<{ keys: SigningKey[] }>('GET', `/projects/${projectId}/keys`)).keys;
  rerender();
}

const STATUS: Record<SigningKey['status'], string> = { active: 'active (signs new tokens)', rotated: 'published (verifies tokens it signed)', retired: 'retired' };

/** Signing keys: rotate, see which signs and which are still published in the JWKS, retire a rotated one now. */
export function keysTab(projectId: string, rerender: () => void) {
  const act = async (work: () => Promise<string>) => {
    try {
      error = '';
      done = await work();
      keys = (await api<{ keys: SigningKey[] }>('GET', `/projects/${projectId}/keys`)).keys;
    } catch (thrown) {
      error = (thrown as Error).message;
      done = '';
    }
    rerender();
  };
  const rotate = () => act(async () => `Rotated: ${(await api<{ active: string }>('POST', `/projects/${projectId}/keys/rotate`)).active} now signs.`);
  const retire = (kid: string) => act(async () => {
    if (!confirm(`Retire ${kid} now? Tokens it signed stop verifying.`)) return '';
    await api('POST', `/projects/${projectId}/keys/${kid}/retire`);
    return `${kid} retired.`;
  });
  return html`
    <section class="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Signing keys</h2>
      <p class="muted">The active key signs signedPasskeyData. After a rotation the old key stays published until every token it signed has expired.</p>
      <button type="button" @click=${rotate}>Rotate signing key</button>
      <p class="error" role="alert">${error}</p>
      <p role="status">${done}</p>
      ${keys === null
        ? html`<p aria-busy="true">Loading…</p>`
        : html`<div class="table-wrap"><table>
            <caption class="visually-hidden">Signing keys</caption>
            <thead><tr><th scope="col">Key id</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Rotated</th><th scope="col">Leaves the JWKS</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              ${keys.map(
                (k) => html`<tr>
                  <td><code>${k.kid}</code></td>
                  <td><span class="badge ${k.status}">${STATUS[k.status]}</span></td>
                  <td>${when(k.createdAt)}</td>
                  <td>${when(k.rotatedAt)}</td>
                  <td>${when(k.retireAt)}</td>
                  <td>${k.status === 'rotated' ? html`<button type="button" class="danger small" @click=${() => retire(k.kid)} aria-label="Retire now ${k.kid}">Retire now</button>` : ''}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`}
    </section>
  `;
}
