import { html } from 'lit';
import { api, ConsoleApiError } from '../api.js';
import { go, when } from '../state.js';
import { fieldError, formErrors, type FormErrors } from './form-errors.js';

interface Project {
  id: string;
  name: string;
  rpId: string;
  origins: string[];
  tokenTtl: number;
  createdAt: number;
  console: boolean;
}

let projects: Project[] | null = null;
let loadError = '';
let errors: FormErrors = {};
let created: { project: Project; apiSecret: { id: string; secret: string } } | null = null;

export async function enterProjects(rerender: () => void): Promise<void> {
  created = null;
  try {
    projects = (await api<{ projects: Project[] }>('GET', '/projects')).projects;
    loadError = '';
  } catch (error) {
    loadError = (error as Error).message;
  }
  rerender();
}

export function projectsView(rerender: () => void) {
  const create = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (!form.reportValidity()) return;
    const data = new FormData(form);
    const origins = String(data.get('origins') ?? '').split(/[\s,]+/).filter(Boolean);
    try {
      created = await api('POST', '/projects', { name: String(data.get('name')).trim(), rpId: String(data.get('rpId')).trim(), origins, tokenTtl: Number(data.get('tokenTtl')) });
      errors = {};
      form.reset();
      projects = (await api<{ projects: Project[] }>('GET', '/projects')).projects;
    } catch (error) {
      errors = formErrors(error as ConsoleApiError);
    }
    rerender();
  };
  return html`
    <h1>Projects</h1>
    <p class="error" role="alert">${loadError}</p>
    ${created
      ? html`<section class="card notice" aria-labelledby="created-title">
          <h2 id="created-title">Project ${created.project.name} created</h2>
          <p>Its API secret is shown <strong>only now</strong>: store it in your app's secret store.</p>
          <p><label for="new-secret">API secret</label><input id="new-secret" readonly .value=${created.apiSecret.secret} /></p>
          <p><a href="#/projects/${created.project.id}/settings">Open ${created.project.name}</a></p>
        </section>`
      : ''}
    ${projects === null
      ? html`<p aria-busy="true">Loading…</p>`
      : projects.length === 0
        ? html`<p class="empty">No projects yet. Create the first one below: its name, the RP ID (your site's domain) and the origins your login page is served from.</p>`
        : html`<div class="table-wrap"><table>
            <caption class="visually-hidden">Projects</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">RP ID</th><th scope="col">Origins</th><th scope="col">Token lifetime</th><th scope="col">Created</th></tr></thead>
            <tbody>
              ${projects.map(
                (p) => html`<tr>
                  <td><a href="#/projects/${p.id}/settings">${p.name}</a>${p.console ? html` <span class="badge">console</span>` : ''}<br /><code class="small">${p.id}</code></td>
                  <td>${p.rpId}</td>
                  <td>${p.origins.join(', ')}</td>
                  <td>${p.tokenTtl} s</td>
                  <td>${when(p.createdAt)}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`}
    <section class="card" aria-labelledby="new-project">
      <h2 id="new-project">New project</h2>
      <form @submit=${create}>
        <label for="p-name">Name</label>
        <input id="p-name" name="name" required maxlength="100" aria-describedby="p-name-error" />
        ${fieldError('p-name-error', errors.name)}
        <label for="p-rpid">RP ID (domain, e.g. example.com)</label>
        <input id="p-rpid" name="rpId" required maxlength="253" aria-describedby="p-rpid-error" />
        ${fieldError('p-rpid-error', errors.rpId)}
        <label for="p-origins">Origins (one per line, e.g. https://app.example.com)</label>
        <textarea id="p-origins" name="origins" required rows="2" aria-describedby="p-origins-error"></textarea>
        ${fieldError('p-origins-error', errors.origins)}
        <label for="p-ttl">signedPasskeyData lifetime (seconds, 10–600)</label>
        <input id="p-ttl" name="tokenTtl" type="number" min="10" max="600" value="300" required aria-describedby="p-ttl-error" />
        ${fieldError('p-ttl-error', errors.tokenTtl)}
        <button type="submit">Create project</button>
        ${fieldError('p-form-error', errors.form)}
      </form>
    </section>
  `;
}

export const openProject = (id: string) => go(`/projects/${id}/settings`);
