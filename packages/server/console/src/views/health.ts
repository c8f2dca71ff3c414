import { html } from 'lit';
import { api } from '../api.js';

interface Health {
  ready: boolean;
  checks: Record<string, string>;
  store: string;
  storeLocation: string;
  version: string;
  sampleInterval: number;
  /** Heartbeats younger than withinSeconds (src/ops); null when sampling is off. */
  instances: { seen: number; hosts: number; withinSeconds: number; instances: Array<{ id: string; host: string; pid: number; startedAt: number; lastSeenAt: number }> } | null;
}

/** On SQLite one process serves (its cluster workers are the instances); on PostgreSQL any number of hosts may. */
function instancesText(health: Health): string {
  const seen = health.instances;
  if (!seen) return 'not counted (LATCHKEY_METRICS_SAMPLE_INTERVAL=0)';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (health.store === 'sqlite') return `one process, ${plural(seen.seen, 'worker')} seen in the last ${seen.withinSeconds} s`;
  return `${plural(seen.seen, 'instance')} on ${plural(seen.hosts, 'host')} seen in the last ${seen.withinSeconds} s`;
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
            <dt>Instances</dt><dd id="health-instances">${instancesText(health)}</dd>
          </dl>
        </section>`
      : html`<p aria-busy="true">Loading…</p>`}
  `;
}
