import { html } from 'lit';
import { api } from '../api.js';

interface Health {
  ready: boolean;
  checks: Record<string, string>;
  store: string;
  storeLocation: string;
  version: string;
}

let health: Health | null = null;
let error = '';

export async function enterHealth(rerender: () => void): Promise<void> {
  try {
    health = await api<Health>('GET', '/health');
    error = '';
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  rerender();
}

export function healthView() {
  return html`
    <h1>Health</h1>
    <p class="error" role="alert">${error}</p>
    ${health
      ? html`<section class="card" aria-labelledby="health-title">
          <h2 id="health-title">${health.ready ? 'Ready' : 'Not ready'}</h2>
          <dl class="facts">
            <dt>Readiness</dt><dd><span class="badge ${health.ready ? 'active' : 'retired'}">${health.ready ? 'ready: logins work' : 'not ready'}</span></dd>
            ${Object.entries(health.checks).map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}
            <dt>Store</dt><dd>${health.store} (<code>${health.storeLocation}</code>)</dd>
            <dt>Version</dt><dd>${health.version}</dd>
          </dl>
        </section>`
      : html`<p aria-busy="true">Loading…</p>`}
  `;
}
