import { html } from 'lit';
import { api, ConsoleApiError } from '../api.js';
import { go } from '../state.js';
import { fieldError, formErrors, type FormErrors } from './form-errors.js';
import { enterPolicy, policySection } from './policy-section.js';
import type { ProjectInfo } from './project.js';

let project: ProjectInfo | null = null;
let errors: FormErrors = {};
let saved = '';
let deleteError = '';

export async function enterSettings(current: ProjectInfo, rerender: () => void): Promise<void> {
  project = current;
  errors = {};
  saved = '';
  deleteError = '';
  rerender();
  await enterPolicy(current.id);
  rerender();
}

/** Edit name, origins and token lifetime (the RP ID is fixed: every passkey is bound to it); delete with confirmation. */
export function settingsTab(rerender: () => void) {
  if (!project) return html``;
  const p = project;
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (!form.reportValidity()) return;
    const data = new FormData(form);
    try {
      const answer = await api<{ project: ProjectInfo }>('PATCH', `/projects/${p.id}`, {
        name: String(data.get('name')).trim(),
        origins: String(data.get('origins')).split(/[\s,]+/).filter(Boolean),
        tokenTtl: Number(data.get('tokenTtl')),
      });
      project = answer.project;
      errors = {};
      saved = 'Saved.';
    } catch (error) {
      errors = formErrors(error as ConsoleApiError);
      saved = '';
    }
    rerender();
  };
  const remove = async (event: SubmitEvent) => {
    event.preventDefault();
    const typed = String(new FormData(event.target as HTMLFormElement).get('confirm') ?? '');
    if (typed !== p.name) {
      deleteError = `Type the project's name, ${p.name}, to confirm.`;
      rerender();
      return;
    }
    try {
      await api('DELETE', `/projects/${p.id}`);
      go('/projects');
    } catch (error) {
      deleteError = (error as Error).message;
      rerender();
    }
  };
  return html`
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <form @submit=${save}>
        <label for="s-name">Name</label>
        <input id="s-name" name="name" required maxlength="100" .value=${p.name} aria-describedby="s-name-error" />
        ${fieldError('s-name-error', errors.name)}
        <label for="s-rpid">RP ID (fixed: every passkey is bound to it)</label>
        <input id="s-rpid" readonly .value=${p.rpId} />
        <label for="s-origins">Origins (one per line)</label>
        <textarea id="s-origins" name="origins" required rows="3" .value=${p.origins.join('\n')} aria-describedby="s-origins-error"></textarea>
        ${fieldError('s-origins-error', errors.origins)}
        <label for="s-ttl">signedPasskeyData lifetime (seconds, 10–600)</label>
        <input id="s-ttl" name="tokenTtl" type="number" min="10" max="600" required .value=${String(p.tokenTtl)} aria-describedby="s-ttl-error" />
        ${fieldError('s-ttl-error', errors.tokenTtl)}
        <button type="submit">Save settings</button>
        ${fieldError('s-form-error', errors.form)}
        <p role="status">${saved}</p>
      </form>
    </section>
    ${policySection(p.id, rerender)}
    <section class="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this project</h2>
      <p>Deletes its users, passkeys, API secrets, signing keys and event trail, at once and for good. You will be asked for your passkey.</p>
      <form @submit=${remove}>
        <label for="d-confirm">Type <strong>${p.name}</strong> to confirm</label>
        <input id="d-confirm" name="confirm" autocomplete="off" aria-describedby="d-error" />
        <button type="submit" class="danger">Delete project</button>
        <p id="d-error" class="error" role="alert">${deleteError}</p>
      </form>
    </section>
  `;
}
