import { html } from 'lit';
import { api, type ConsoleApiError } from '../api.js';
import { session } from '../state.js';
import { fieldError } from './form-errors.js';

const FAMILIES = ['android', 'ios', 'macos', 'windows', 'linux', 'chromeos', 'other'] as const;

interface Flow {
  enabled: boolean;
  rolloutPercent: number;
}
export interface Policy {
  login: Flow;
  append: Flow;
  platforms: { allow: string[]; deny: string[] };
  nudge: { backoffDays: number[] };
  conditionalCreate: boolean;
  oneTap: boolean;
}
type Field = 'login' | 'append' | 'allow' | 'deny' | 'backoffDays' | 'form';

let policy: Policy | null = null;
let loadError = '';
let errors: Partial<Record<Field, string>> = {};
let saved = '';

export async function enterPolicy(projectId: string): Promise<void> {
  policy = null;
  errors = {};
  saved = '';
  try {
    policy = (await api<{ policy: Policy }>('GET', `/projects/${projectId}/policy`)).policy;
    loadError = '';
  } catch (error) {
    loadError = (error as Error).message;
  }
}

/** The schema's message names the path (body/login/rolloutPercent …): shown next to that field. */
function policyErrors(error: ConsoleApiError): Partial<Record<Field, string>> {
  const message = error.message;
  if (error.code === 'invalid_request') {
    for (const [path, field] of [['login', 'login'], ['append', 'append'], ['platforms/allow', 'allow'], ['platforms/deny', 'deny'], ['nudge', 'backoffDays']] as const) {
      if (message.includes(`body/${path}`)) return { [field]: message };
    }
  }
  return { form: message };
}

const flowFields = (id: 'login' | 'append', flow: Flow, label: string, offHelp: string) => html`
  <fieldset aria-describedby="pol-${id}-error">
    <legend>${label}</legend>
    <label class="check"><input type="checkbox" name="${id}Enabled" id="pol-${id}-enabled" .checked=${flow.enabled} /> On</label>
    <p class="muted small">${offHelp}</p>
    <label for="pol-${id}-rollout">Rollout (% of users, 0–100)</label>
    <input id="pol-${id}-rollout" name="${id}Rollout" type="number" min="0" max="100" step="1" required .value=${String(flow.rolloutPercent)} />
    ${fieldError(`pol-${id}-error`, errors[id])}
  </fieldset>
`;

/**
 * The project's adoption policy (docs/adoption.md): kill switches, rollouts, platforms, nudges.
 * Viewers see it; owners change it. Turning login or offers off for everyone asks for the passkey.
 */
export function policySection(projectId: string, rerender: () => void) {
  if (!policy) return html`<section class="card" aria-labelledby="policy-title"><h2 id="policy-title">Passkey rollout and kill switches</h2>${loadError ? html`<p class="error" role="alert">${loadError}</p>` : html`<p aria-busy="true">Loading…</p>`}</section>`;
  const p = policy;
  const owner = session.me?.role === 'owner';
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const days = String(data.get('backoffDays') ?? '').split(/[\s,]+/).filter(Boolean).map(Number);
    try {
      policy = (
        await api<{ policy: Policy }>('PATCH', `/projects/${projectId}/policy`, {
          login: { enabled: data.get('loginEnabled') === 'on', rolloutPercent: Number(data.get('loginRollout')) },
          append: { enabled: data.get('appendEnabled') === 'on', rolloutPercent: Number(data.get('appendRollout')) },
          platforms: { allow: data.getAll('allow').map(String), deny: data.getAll('deny').map(String) },
          nudge: { backoffDays: days },
          conditionalCreate: data.get('conditionalCreate') === 'on',
          oneTap: data.get('oneTap') === 'on',
        })
      ).policy;
      errors = {};
      saved = 'Policy saved: every instance applies it within 5 seconds.';
    } catch (error) {
      errors = policyErrors(error as ConsoleApiError);
      saved = '';
    }
    rerender();
  };
  const loginOff = !p.login.enabled || p.login.rolloutPercent === 0;
  const appendOff = !p.append.enabled || p.append.rolloutPercent === 0;
  const families = (name: 'allow' | 'deny', legend: string) => html`
    <fieldset aria-describedby="pol-${name}-error">
      <legend>${legend}</legend>
      <div class="checks">
        ${FAMILIES.map((f) => html`<label class="check"><input type="checkbox" name=${name} value=${f} .checked=${p.platforms[name].includes(f)} /> ${f}</label>`)}
      </div>
      ${fieldError(`pol-${name}-error`, errors[name])}
    </fieldset>
  `;
  return html`
    <section class="card" aria-labelledby="policy-title">
      <h2 id="policy-title">Passkey rollout and kill switches</h2>
      ${loginOff
        ? html`<p class="notice"><strong>Passkey login is off</strong> for ${p.login.enabled ? 'every user (rollout 0 %)' : 'everyone (kill switch)'}: your users sign in with your app's password form.</p>`
        : ''}
      ${appendOff ? html`<p class="notice"><strong>Passkey offers are off</strong>: nobody is asked to add a passkey.</p>` : ''}
      ${owner
        ? html`<p class="muted small">Turning passkey login or offers off for everyone (switch off, or rollout 0 %) asks for your passkey first.</p>`
        : html`<p class="notice">You are a <strong>viewer</strong>: you can see the policy; only an owner can change it.</p>`}
      <form @submit=${save}>
        <fieldset class="plain" ?disabled=${!owner}>
          ${flowFields('login', p.login, 'Passkey login', 'Off (kill switch): nobody signs in with a passkey; login/init answers loginAllowed: false and your login page shows its password form.')}
          ${flowFields('append', p.append, 'Passkey offers (adding a passkey)', 'Off (kill switch): no one is offered a passkey (no nudges); existing passkeys keep working.')}
          ${families('allow', 'Only these platforms (none ticked = all)')}
          ${families('deny', 'Never these platforms')}
          <label for="pol-backoff">Offer back-off after 1st, 2nd, … dismissal (days, e.g. 1, 7, 30)</label>
          <input id="pol-backoff" name="backoffDays" required .value=${p.nudge.backoffDays.join(', ')} aria-describedby="pol-backoffDays-error" />
          ${fieldError('pol-backoffDays-error', errors.backoffDays)}
          <label class="check"><input type="checkbox" name="conditionalCreate" .checked=${p.conditionalCreate} /> Automatic passkey upgrade after a password login (conditional create)</label>
          <label class="check"><input type="checkbox" name="oneTap" .checked=${p.oneTap} /> Let the browser remember the last account (one-tap)</label>
          <button type="submit">Save policy</button>
        </fieldset>
        ${fieldError('pol-form-error', errors.form)}
        <p role="status">${saved}</p>
      </form>
    </section>
  `;
}
