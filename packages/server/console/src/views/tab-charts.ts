import { html } from 'lit';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api.js';

interface FunnelRow {
  day?: string;
  appendsCompleted: number;
  logins: { passkeyIdentifier: number; passkeyConditionalUI: number; passkeyOneTap: number; password: number };
  passkeyLoginRate: number;
}
interface Charts {
  days: string[];
  funnel: FunnelRow[];
  events: Record<string, number[]>;
  refusalReasons: Record<string, number>;
  verifyResults: Record<string, number>;
}

/** GET /console/api/latency: the whole server's p50/p99 per route family (src/ops), not this project's. */
interface Latency {
  step: number;
  sampleInterval: number;
  times: number[];
  families: Record<string, { count: number[]; p50: Array<number | null>; p99: Array<number | null> }>;
}

let data: Charts | null = null;
let latency: Latency | null = null;
let family = 'login';
let error = '';
const plots: uPlot[] = [];

/** The indices of a series' values that have no value on either side: uPlot draws no line through them. */
function isolatedPoints(u: uPlot, seriesIdx: number): number[] {
  const values = u.data[seriesIdx] ?? [];
  const isolated: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] != null && values[i - 1] == null && values[i + 1] == null) isolated.push(i);
  }
  return isolated;
}
let redraw: () => void = () => {};

export async function enterCharts(projectId: string, rerender: () => void): Promise<void> {
  redraw = () => {
    rerender();
    draw();
  };
  try {
    [data, latency] = await Promise.all([api<Charts>('GET', `/projects/${projectId}/charts?days=30`), api<Latency>('GET', '/latency?hours=24')]);
    if (!latency.families[family]) family = Object.keys(latency.families)[0] ?? 'login';
    error = '';
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  redraw();
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** One line chart per figure, from the adoption analytics (logins, rate, appends) and the audit trail (verify results). */
function draw(): void {
  for (const plot of plots.splice(0)) plot.destroy();
  if (!data) return;
  const x = data.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const byDay = new Map(data.funnel.map((row) => [row.day, row]));
  const funnel = (pick: (row: FunnelRow) => number) => data!.days.map((d) => (byDay.has(d) ? pick(byDay.get(d)!) : 0));
  const palette = [css('--chart-1'), css('--chart-2'), css('--chart-3'), css('--chart-4')];
  const axis = { stroke: css('--text'), grid: { stroke: css('--border') }, ticks: { stroke: css('--border') } };
  const chart = (id: string, series: Array<[string, Array<number | null>]>, percent = false, xs: number[] = x, unit = '') => {
    const target = document.getElementById(id);
    if (!target) return;
    target.replaceChildren();
    const width = Math.max(280, Math.min(720, target.clientWidth || 600));
    plots.push(
      new uPlot(
        {
          width,
          height: 220,
          series: [
            {},
            ...series.map(([label], i) => ({
              label,
              stroke: palette[i % palette.length],
              width: 2,
              // A value with no neighbour (one busy minute in a quiet day) draws no line: show it as a dot.
              points: { show: true, size: 6, fill: palette[i % palette.length], filter: isolatedPoints },
              ...(percent ? { value: (_: uPlot, v: number | null) => (v === null ? '—' : `${Math.round(v * 100)} %`) } : {}),
              ...(unit ? { value: (_: uPlot, v: number | null) => (v === null ? '—' : `${v} ${unit}`) } : {}),
            })),
          ],
          axes: [
            axis,
            {
              ...axis,
              ...(percent ? { values: (_: uPlot, ticks: number[]) => ticks.map((t) => `${Math.round(t * 100)} %`) } : {}),
              ...(unit ? { values: (_: uPlot, ticks: number[]) => ticks.map((t) => `${t} ${unit}`) } : {}),
            },
          ],
          scales: percent ? { y: { range: [0, 1] } } : {},
        },
        [xs, ...series.map(([, values]) => values)] as uPlot.AlignedData,
        target,
      ),
    );
  };
  chart('chart-logins', [
    ['Passkey (typed identifier)', funnel((r) => r.logins.passkeyIdentifier)],
    ['Passkey (autofill)', funnel((r) => r.logins.passkeyConditionalUI)],
    ['Passkey (one tap)', funnel((r) => r.logins.passkeyOneTap)],
    ['Password', funnel((r) => r.logins.password)],
  ]);
  chart('chart-rate', [['Passkey login rate', funnel((r) => r.passkeyLoginRate)]], true);
  chart('chart-appends', [
    ['Passkeys appended', data.events['passkey-appended'] ?? []],
    ['Appends failed', data.events['append-failed'] ?? []],
  ]);
  chart('chart-verify', [
    ['Verified', data.events['token-verified'] ?? []],
    ['Refused', data.events['token-refused'] ?? []],
  ]);
  const picked = latency?.families[family];
  if (latency && picked) {
    chart('chart-latency', [['p50', picked.p50], ['p99', picked.p99]], false, latency.times, 'ms');
  }
}

const FAMILY_NAMES: Record<string, string> = {
  login: 'Login (/v2/connect/login)',
  append: 'Append (/v2/connect/append)',
  verify: 'verifySignedData',
  connectTokens: 'Connect tokens (/v2/connectTokens)',
  backend: 'Other Backend API (/v2)',
  console: 'Console API',
};

/** The latency figure: the whole server (every instance), whichever project's tab shows it. */
function latencyFigure() {
  if (!latency) return '';
  const families = Object.keys(latency.families);
  const requests = families.includes(family) ? latency.families[family]!.count.reduce((a, b) => a + b, 0) : 0;
  return html`<figure class="card">
    <figcaption>Request latency, p50 and p99 (whole server, last 24 hours)</figcaption>
    ${families.length === 0
      ? html`<p class="empty">${latency.sampleInterval > 0 ? 'No samples yet: each instance writes one per minute.' : 'Latency sampling is off (LATCHKEY_METRICS_SAMPLE_INTERVAL=0).'}</p>`
      : html`<label for="latency-family">Route family</label>
          <select id="latency-family" @change=${(event: Event) => ((family = (event.target as HTMLSelectElement).value), redraw())}>
            ${families.map((f) => html`<option value=${f} ?selected=${f === family}>${FAMILY_NAMES[f] ?? f}</option>`)}
          </select>
          <p class="muted">${requests} requests; one point per ${latency.step / 60} minute(s), every instance's requests merged.</p>
          <div id="chart-latency" role="img" aria-label=${`Line chart: p50 and p99 latency in milliseconds of ${FAMILY_NAMES[family] ?? family} requests, last 24 hours`}></div>`}
  </figure>`;
}

window.addEventListener('latchkey-theme', () => draw());

const table = (caption: string, counts: Record<string, number>, empty: string) =>
  Object.keys(counts).length === 0
    ? html`<p class="empty">${empty}</p>`
    : html`<div class="table-wrap"><table><caption>${caption}</caption><thead><tr><th scope="col">Reason</th><th scope="col">Count</th></tr></thead>
        <tbody>${Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => html`<tr><td>${k}</td><td>${v}</td></tr>`)}</tbody></table></div>`;

export function chartsTab() {
  return html`
    <p class="error" role="alert">${error}</p>
    <p class="muted">The last 30 days (UTC). Logins by method and the passkey login rate come from the adoption analytics (<code>/v2/analytics/funnel</code>); appends and verify results from the event trail.</p>
    <div class="charts">
      <figure class="card"><figcaption>Logins per day by method</figcaption><div id="chart-logins" role="img" aria-label="Line chart: logins per day by method, last 30 days"></div></figure>
      <figure class="card"><figcaption>Passkey login rate</figcaption><div id="chart-rate" role="img" aria-label="Line chart: share of logins made with a passkey per day"></div></figure>
      <figure class="card"><figcaption>Passkey appends per day</figcaption><div id="chart-appends" role="img" aria-label="Line chart: passkeys appended and failed appends per day"></div></figure>
      <figure class="card"><figcaption>signedPasskeyData verifications per day</figcaption><div id="chart-verify" role="img" aria-label="Line chart: verified and refused tokens per day"></div></figure>
      ${latencyFigure()}
    </div>
    ${data
      ? html`<section class="card">${table('Refusals by reason (logins and appends)', data.refusalReasons, 'No refused logins or appends in these 30 days.')}</section>
          <section class="card">${table('Verify results', data.verifyResults, 'No verifications in these 30 days.')}</section>`
      : ''}
  `;
}
