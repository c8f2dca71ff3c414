import { html } from 'lit';
import { api } from '../api.js';
import { when } from '../state.js';

interface PasskeyEvent {
  id: string;
  type: string;
  userID: string | null;
  detail: Record<string, unknown>;
  createdAt: number;
}

const TYPES = ['login-succeeded', 'login-failed', 'passkey-appended', 'append-failed', 'passkey-deleted', 'user-deleted', 'token-verified', 'token-refused', 'connect-token-revoked', 'policy-changed', 'console-action'];

let events: PasskeyEvent[] | null = null;
let nextCursor: string | null = null;
let previous: string[] = [];
let cursor = '';
let filters = new URLSearchParams();
let error = '';

async function load(projectId: string): Promise<void> {
  const query = new URLSearchParams(filters);
  if (cursor) query.set('cursor', cursor);
  const page = await api<{ events: PasskeyEvent[]; nextCursor: string | null }>('GET', `/projects/${projectId}/events?${query}`);
  events = page.events;
  nextCursor = page.nextCursor;
}

export async function enterEvents(projectId: string, _query: URLSearchParams, rerender: () => void): Promise<void> {
  filters = new URLSearchParams();
  cursor = '';
  previous = [];
  error = '';
  await load(projectId);
  rerender();
}

const dayStart = (date: string) => (date ? String(Date.parse(`${date}T00:00:00Z`) / 1000) : '');

/** The audit trail, newest first, filtered by type, user and day; CSV of the same selection. */
export function eventsTab(projectId: string, rerender: () => void) {
  const apply = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    filters = new URLSearchParams();
    const type = String(data.get('type') ?? '');
    const user = String(data.get('user') ?? '').trim();
    const from = dayStart(String(data.get('from') ?? ''));
    const to = String(data.get('to') ?? '') ? String(Number(dayStart(String(data.get('to')))) + 86_400) : '';
    if (type) filters.set('type', type);
    if (user) filters.set('user', user);
    if (from) filters.set('from', from);
    if (to) filters.set('to', to);
    cursor = '';
    previous = [];
    try {
      error = '';
      await load(projectId);
    } catch (thrown) {
      error = (thrown as Error).message;
    }
    rerender();
  };
  const page = async (direction: 'next' | 'previous') => {
    if (direction === 'next' && nextCursor) {
      previous.push(cursor);
      cursor = nextCursor;
    } else cursor = previous.pop() ?? '';
    await load(projectId);
    rerender();
  };
  return html`
    <section class="card" aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <form class="filters" @submit=${apply}>
        <div><label for="e-type">Type</label>
          <select id="e-type" name="type"><option value="">Any</option>${TYPES.map((t) => html`<option value=${t} ?selected=${filters.get('type') === t}>${t}</option>`)}</select></div>
        <div><label for="e-user">User id</label><input id="e-user" name="user" maxlength="64" .value=${filters.get('user') ?? ''} /></div>
        <div><label for="e-from">From (UTC day)</label><input id="e-from" name="from" type="date" /></div>
        <div><label for="e-to">To (UTC day)</label><input id="e-to" name="to" type="date" /></div>
        <div class="actions"><button type="submit">Filter</button>
          <a class="button secondary" href="/console/api/projects/${projectId}/events.csv?${filters}" download>Export CSV</a></div>
      </form>
      <p class="error" role="alert">${error}</p>
      ${events === null
        ? html`<p aria-busy="true">Loading…</p>`
        : events.length === 0
          ? html`<p class="empty">No events match. Events appear as users register passkeys and sign in; widen the filters.</p>`
          : html`<div class="table-wrap"><table>
              <caption class="visually-hidden">Events, newest first</caption>
              <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">User</th><th scope="col">Detail</th></tr></thead>
              <tbody>
                ${events.map((e) => html`<tr><td>${when(e.createdAt)}</td><td>${e.type}</td><td><code class="small">${e.userID ?? '—'}</code></td><td><code class="small detail">${JSON.stringify(e.detail)}</code></td></tr>`)}
              </tbody>
            </table></div>
            <nav class="pager" aria-label="Event pages">
              <button type="button" ?disabled=${previous.length === 0} @click=${() => page('previous')}>Newer</button>
              <button type="button" ?disabled=${!nextCursor} @click=${() => page('next')}>Older</button>
            </nav>`}
    </section>
  `;
}
